"""The reader pages' compiled reads (newsdesk.news.prepared) answer exactly what the ORM answers."""

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.news import selectors
from newsdesk.news.models import Article, Section
from newsdesk.news.prepared import PreparedQuery, union_rows
from tests.factories import ArticleFactory, PersonFactory, TopicFactory
from tests.site.conftest import make_articles

pytestmark = pytest.mark.django_db


def test_article_state_is_the_rows_own_values():
    article = ArticleFactory()
    state = selectors.article_state(public_id=article.public_id)
    stored = Article.objects.get(pk=article.pk)
    assert (state.id, state.status, state.slug, state.version) == (stored.id, "published", stored.slug, 1)
    assert state.modified_at == stored.modified_at and state.modified_at.tzinfo is not None
    assert state.section_id == stored.section_id and state.has_read_also is False


def test_feed_keys_match_the_orm_for_every_shape():
    world = Section.objects.get(slug="world")
    articles = make_articles(40, section=world)
    person, topic = PersonFactory(), TopicFactory()
    for article in articles[::3]:
        article.persons.add(person)
        article.topics.add(topic)
    now = timezone.now()
    cursor = selectors.FeedCursor(publish_at=articles[10].publish_at, id=articles[10].id)
    shapes = [
        selectors.FeedKeys(at=now),
        selectors.FeedKeys(at=now, cursor=cursor),
        selectors.FeedKeys(at=now, person_id=person.id, cursor=cursor),
        selectors.FeedKeys(at=now, topic_id=topic.id),
        selectors.FeedKeys(at=now, since=articles[30].publish_at, until=articles[5].publish_at),
    ]
    for keys in shapes:
        for sections in (None, [world.id]):
            orm = selectors._keys_filter(keys, section_ids=sections)  # the same filter, run by the ORM
            expected = list(orm.values_list("id", flat=True)[:11])
            (rows,) = selectors._card_rows(keys, section_ids=[sections[0] if sections else None], limit=11)
            assert [row[0] for row in sorted(rows, key=lambda r: (r[7], r[0]), reverse=True)] == expected
            assert expected, keys


def test_cards_are_the_rows_own_values_newest_first_without_what_the_gate_drops():
    articles = make_articles(5)
    withdrawn = articles[2]
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)
    cards = selectors.feed_page(limit=10).articles
    assert [card.id for card in cards] == [a.id for a in articles if a.pk != withdrawn.pk]
    stored = Article.objects.select_related("section").get(pk=articles[0].pk)
    card = cards[0]
    assert (card.headline, card.slug, card.urgency, card.publish_at) == (
        stored.headline, stored.slug, stored.urgency, stored.publish_at
    )  # fmt: skip
    assert card.publish_at.tzinfo is not None and card.get_absolute_url() == stored.get_absolute_url()
    assert card.section.name == stored.section.name


def test_a_shape_that_depends_on_its_values_is_refused():
    with pytest.raises(ValueError, match="shape"):
        PreparedQuery(lambda n: Article.objects.values_list("id")[:n], n=int).rows(n=3)
    with pytest.raises(ValueError, match="do not reach"):
        PreparedQuery(lambda pk: Article.objects.values_list("id"), pk=int).rows(pk=1)
    with pytest.raises(TypeError):
        PreparedQuery(lambda day: Article.objects.filter(dateline_date=day).values_list("id"), day=dt.date)


def test_runs_sent_as_one_statement_answer_what_each_answers_alone(django_assert_num_queries):
    world, sport = Section.objects.get(slug="world"), Section.objects.get(slug="sport")
    make_articles(12, section=world)
    make_articles(3, section=sport)
    now = timezone.now()
    newest = PreparedQuery(
        lambda at, section_id: (
            Article.objects.published(at=at).filter(section_id=section_id).values_list("id", "publish_at")[:5]
        ),
        at=dt.datetime,
        section_id=int,
    )
    in_sport = PreparedQuery(lambda: Article.objects.filter(section=sport).values_list("id", "publish_at"))
    runs = [
        (newest, {"at": now, "section_id": world.id}),
        (in_sport, {}),
        (newest, {"at": now, "section_id": sport.id}),
        (newest, {"at": now, "section_id": Section.objects.get(slug="economy").id}),
    ]
    with django_assert_num_queries(1):
        together = union_rows(runs)
    alone = [query.rows(**values) for query, values in runs]
    assert together == alone  # each run keeps its ORDER BY and LIMIT, its rows converted (aware datetimes)
    assert [len(rows) for rows in together] == [5, 3, 3, 0]
    assert together[0][0][1].tzinfo is not None
