""" "Read also" as a ranked similarity: the pool a process keeps up to date, and agreement with people's
judgement on the Lee corpus (read from the gensim wheel in var/cache, as `make bench` fetches it; skipped
when it is not there)."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone
from django.utils.html import escape

from newsdesk.search import related

STORIES = {
    1: "Kamaz will supply 1,000 trucks to the Philippines by 2020, the company said in Moscow.",
    2: "The Philippine army ordered Kamaz trucks; the first will arrive in Manila in 2018.",
    3: "The hurricane that hit Moscow killed 14 people, the emergencies ministry said.",
    4: "Rescuers cleared fallen trees in Moscow after the hurricane; the death toll rose to 14.",
}


def load(ids):
    return {pk: (related.bag(STORIES[pk]), frozenset()) for pk in ids}


def test_pool_kept_up_to_date_story_by_story_agrees_with_one_built_at_once():
    kept = related.Pool()
    kept.sync({1: "a", 2: "a", 3: "a"}, load, now=0.0)
    kept.sync({1: "a", 2: "a", 3: "a", 4: "a"}, load, now=1.0)  # one more: added alone
    kept.sync({2: "a", 3: "a", 4: "a"}, load, now=2.0)  # one out
    assert kept.built == 0.0  # never rebuilt
    fresh = related.Pool()
    fresh.sync({2: "a", 3: "a", 4: "a"}, load, now=2.0)
    assert +kept.df == +fresh.df and kept.total == fresh.total == 3
    assert set(kept.index.vectors) == {2, 3, 4} and 1 not in {
        k for p in kept.index.postings.values() for k in p
    }
    kept.sync({2: "b", 3: "a", 4: "a"}, load, now=3.0)  # a correction is read again
    assert kept.versions[2] == "b"


def test_closest_story_first_and_never_itself():
    pool = related.Pool()
    pool.sync({pk: "a" for pk in STORIES}, load, now=0.0)
    scores = pool.index.similar(pool.vector(pool.bags[3], member=3), skip=3)
    assert 3 not in scores and scores.most_common(1)[0][0] == 4
    outsider = related.bag("A hurricane in Moscow: the toll rose.")
    assert Counter(pool.index.similar(pool.vector(outsider))).most_common(1)[0][0] in (3, 4)


def pool_of(texts: dict[int, str]) -> related.Pool:
    pool = related.Pool()
    pool.sync(
        dict.fromkeys(texts, "a"), lambda ids: {i: (related.bag(texts[i]), frozenset()) for i in ids}, now=0.0
    )
    return pool


def test_a_small_pool_tells_a_common_word_from_a_rare_one_by_general_frequencies():
    """Two of a new site's three stories share "government" and "Kamaz" alike; in general text the first is
    common and the second rare, so the rare one weighs more (a pool this small cannot tell them apart)."""
    texts = {
        1: "The government said Kamaz would build the plant.",
        2: "Kamaz and the government signed the contract.",
        3: "A hurricane hit the coast overnight.",
    }
    pool = pool_of(texts)
    vector = pool.index.vectors[1]
    assert vector[related.stem("kamaz")] > 1.5 * vector[related.stem("government")] > 0
    assert (
        related.general_share(related.stem("government")) > related.general_share(related.stem("kamaz")) == 0
    )


def test_russian_stories_meet_through_their_stems_whatever_the_case():
    """Two Russian stories about one event that share no word form ("газопровод" and "газопровода") are close
    through their Russian stems; a Russian stop word weighs nothing."""
    texts = {
        1: "Газопровод в Германию достроят к осени, сообщил концерн.",
        2: "Строительство газопровода в Германии завершат осенью, заявил представитель концерна.",
        3: "Ураган в Москве повалил деревья, только в парках их сотни.",
    }
    pool = pool_of(texts)
    assert "только" not in related.words(texts[3])
    assert related.bag("газопровода")[0] == related.bag("Газопровод")[0]
    scores = pool.index.similar(pool.vector(pool.bags[1], member=1), skip=1)
    assert scores.most_common(1)[0][0] == 2 and scores[2] > 0.5 and scores[3] == 0


@pytest.fixture
def lee():
    benchmark = pytest.importorskip("benchmarks.related_quality")
    if not sorted(benchmark.CACHE.glob("gensim-4.3.3-*.whl")):
        pytest.skip(f"the gensim wheel is not in {benchmark.CACHE} (`make bench` downloads it)")
    return benchmark


def test_agrees_with_people_on_the_lee_corpus(lee, db):
    """Pearson with the averaged human ratings over the 1,225 pairs, and the mean rating of the first three
    shown: above plain TF-IDF cosine on both (issue 18's targets: 0.60 and 0.58; docs/search.md)."""
    from newsdesk.news.models import Article, Section
    from newsdesk.search.selectors import related_scores
    from newsdesk.search.services import search_rebuild

    stories, background, ratings = lee.lee_corpus()
    section, now = (
        Section.objects.get_or_create(slug="society", defaults={"name": "Society"})[0],
        timezone.now(),
    )
    texts = background + stories
    Article.objects.bulk_create(
        Article(
            headline=text[:120], slug=f"lee-{n}", guid=f"urn:lee:{n}", public_id=n + 1, section=section,
            body=f"<p>{escape(text)}</p>", status=Article.Status.PUBLISHED,
            publish_at=now - dt.timedelta(hours=len(texts) - n), first_published_at=now,
        )
        for n, text in enumerate(texts)
    )  # fmt: skip
    search_rebuild()
    ids = list(Article.objects.order_by("public_id").values_list("pk", flat=True))[len(background) :]
    number = {pk: i for i, pk in enumerate(ids)}
    found = related_scores(article_ids=ids, at=now)
    ours = lee.measures([{number[pk]: s for pk, s in found[pk] if pk in number} for pk in ids], ratings)
    baseline = lee.measures(lee.tfidf_scores(stories, background), ratings)
    assert ours["pearson"] >= 0.60 and ours["pearson"] > baseline["pearson"]
    assert ours["top3"] > baseline["top3"]


def test_suggestions_share_a_topic_more_often_than_tfidf_on_reuters():
    """On 3,000 Reuters-21578 stories (the size of the pipeline's pool), the first three suggestions of each
    story with a topic label share one of its topics more often than plain TF-IDF cosine's and far more often
    than chance (read from ../shared in place; skipped without it; docs/search.md)."""
    benchmark = pytest.importorskip("benchmarks.related_quality")
    from benchmarks import _judged

    if missing := _judged.available(("news",)):
        pytest.skip(missing)
    _, texts, subjects, labels = benchmark.reuters_pools()[-1]
    ours = benchmark.precision(benchmark.read_also_lists(texts, subjects), subjects, labels, 3)
    tfidf = benchmark.precision(benchmark.tfidf_lists(texts, subjects), subjects, labels, 3)
    assert ours > tfidf + 0.01 and ours > 5 * benchmark.by_chance(subjects, labels)
