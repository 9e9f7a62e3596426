"""Article pages are kept per version (newsdesk.site.fragments): whatever changes, readers see it at once."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from newsdesk.news import selectors, services
from newsdesk.news.models import Article, ReadAlso, Section
from newsdesk.site import fragments
from newsdesk.site.presenters import article_page_context
from tests.factories import ArticleFactory, PersonFactory
from tests.site.test_article import seed_article  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

# A hit reads the article's state and the sections (and its Read also links, when it has any); a miss also
# reads the article and its persons, topics, other media and corrections (each a compiled query).
HIT_QUERIES = 2
MISS_QUERIES = 7


def _get(client, article, **params):
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx.captured_queries), response.content.decode()


def _cached(client, article, *, read_also: bool = False) -> str:
    """Fetch the page twice and prove the second came from the cache, so later checks test invalidation."""
    warm = ArticleFactory(section=article.section)  # fills per-process boxes (Most read) and content types
    client.get(warm.get_absolute_url())
    misses, _ = _queries(client, article.get_absolute_url())
    hits, html = _queries(client, article.get_absolute_url())
    assert (misses, hits) == (MISS_QUERIES + read_also, HIT_QUERIES + read_also)
    return html


def test_a_correction_shows_at_once_on_a_cached_page(client):
    article = ArticleFactory()
    assert "Corrections and updates" not in _cached(client, article)
    services.article_correct(
        article=article, by=None, note="Corrects the name of the forum: Fort Ross Dialogue."
    )
    html = _get(client, article)
    assert "Corrects the name of the forum: Fort Ross Dialogue." in html


def test_a_new_version_shows_at_once_on_a_cached_page(client, django_capture_on_commit_callbacks):
    article = ArticleFactory(headline="Kremlin comments on the summit")
    assert "Kremlin comments on the summit" in _cached(client, article)
    article.headline = "Kremlin says the summit was constructive"
    article.body = "<p>The Kremlin said the talks in Sochi were constructive.</p>"
    # With its after-publish effects, as in production: they also drop the kept sidebar, whose news feed
    # lists the article under its old headline (test_sidebar.py)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=article, by=None)
    assert Article.objects.get(pk=article.pk).version == 2
    html = _get(client, article)
    assert "Kremlin says the summit was constructive" in html
    assert "The Kremlin said the talks in Sochi were constructive." in html
    assert "Kremlin comments on the summit" not in html


def test_an_edit_without_a_new_version_shows_at_once(client):
    # Saving a visible article with only its byline changed keeps the version; its last change moves.
    article = ArticleFactory(byline="")
    _cached(client, article)
    article.byline = "Dmitry Medvedev"
    services.article_save(article=article, by=None)
    assert "By Dmitry Medvedev" in _get(client, article)


def test_withdrawing_a_cached_article_answers_410_at_once(client):
    article = ArticleFactory()
    _cached(client, article)
    services.article_withdraw(article=article, by=None, note="Withdrawn: the report was not confirmed.")
    assert client.get(article.get_absolute_url()).status_code == 410


def test_read_also_links_follow_their_targets_on_a_cached_page(client, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    target = ArticleFactory(headline="Senior Russian MP says too early to speak of thaw in Russia-US ties")
    later = ArticleFactory(
        headline="Putin and Macron to meet in Versailles",
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(hours=2),
        first_published_at=None,
    )
    ReadAlso.objects.create(article=article, target=target, order=1)
    ReadAlso.objects.create(article=article, target=later, title="Putin to meet Macron", order=2)
    html = _cached(client, article, read_also=True)
    assert f'href="{target.get_absolute_url()}"' in html
    assert "Putin to meet Macron" not in html and later.get_absolute_url() not in html
    # Neither change touches the article itself: the target is withdrawn, the scheduled one's minute comes.
    with django_capture_on_commit_callbacks(execute=True):  # its effects drop the sidebar that lists it
        services.article_withdraw(article=target, by=None, note="Withdrawn.")
    Article.objects.filter(pk=later.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=1))
    html = _get(client, article)
    assert target.get_absolute_url() not in html
    assert f'<a href="{later.get_absolute_url()}">Putin and Macron to meet in Versailles</a>' in html


def test_a_renamed_section_shows_at_once_on_a_cached_page(client, soup):
    article = ArticleFactory()
    _cached(client, article)
    Section.objects.filter(pk=article.section_id).update(name="Politics and Diplomacy")
    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one(".article__section a").get_text() == "Politics and Diplomacy"
    assert "Politics and Diplomacy" in [a.get_text() for a in page.select("nav .sections a")]


def test_publishing_drops_the_cached_pages_of_the_article(client, django_capture_on_commit_callbacks):
    # The key already changes with the version; the hook frees the old pages (what a shared cache needs).
    article = ArticleFactory()
    _cached(client, article)
    keys = cache.get(fragments._index_key(article.public_id))
    assert keys and all(cache.get(key) is not None for key in keys)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_correct(article=article, by=None, note="Adds Ryabkov's remarks on Putin.")
    assert all(cache.get(key) is None for key in keys)


def test_each_page_of_a_multi_page_article_is_kept_apart(client):
    article = ArticleFactory(
        body='<p>The first page of the interview.</p><hr class="page-break"><p>The second page of it.</p>'
    )
    for _ in range(2):
        assert "The first page of the interview." in _get(client, article)
        assert "The second page of it." in _get(client, article, page="2")
    assert client.get(article.get_absolute_url(), {"page": "3"}).status_code == 404
    assert client.get(article.get_absolute_url(), {"page": "x"}).status_code == 404


def test_per_request_parts_are_filled_and_no_marker_leaks(client):
    article = ArticleFactory()
    article.persons.add(PersonFactory(name="Sergey Ryabkov"))
    html = _cached(client, article)
    assert "<!--hole:" not in html
    assert 'id="city-clock"' in html  # the header's clock, filled per request
    assert "Sergey Ryabkov" in html


def test_the_state_read_is_the_visibility_gate():
    visible = ArticleFactory()
    scheduled = ArticleFactory(
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(minutes=5),
        first_published_at=None,
    )
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert selectors.article_state(public_id=visible.public_id).id == visible.id
    assert selectors.article_state(public_id=scheduled.public_id) is None
    assert selectors.article_state(public_id=draft.public_id) is None
    later = timezone.now() + dt.timedelta(minutes=10)
    assert selectors.article_state(public_id=scheduled.public_id, at=later).id == scheduled.id


def test_the_served_page_is_the_whole_template_rendered(client, rf, seed_article):  # noqa: F811
    """The view puts the Jinja2 parts into a layout kept per set of sections; that must be byte for byte what
    rendering site/article.html in one go writes (base.html's frame, the parts, the filled holes)."""
    multi = ArticleFactory(
        headline="He said \"<no>\" & 'yes'",
        urgency=1,
        byline="Ann O'Neil & co",
        body='<p>One</p><hr class="page-break"><p>Two</p><p>Three</p>',
    )
    for article, page in [(seed_article, 1), (multi, 1), (multi, 2)]:
        query = f"?page={page}" if page > 1 else ""
        served = client.get(article.get_absolute_url() + query).content.decode()
        assert served == _whole_template(rf, article, page, query)


def _whole_template(rf, article, page: int, query: str) -> str:
    request = rf.get(article.get_absolute_url() + query)
    request.resolver_match = resolve(request.path)
    item = selectors.article_for_page(pk=article.pk)
    relations = selectors.article_relations(article_id=item.id)
    context = article_page_context(item, page=str(page), strict=True, relations=relations)
    return render_to_string("site/article.html", context, request)


def test_the_etag_follows_the_page_and_its_per_request_parts(client, monkeypatch):
    """The ETag is made from the kept page's digest and the fills (not by hashing the whole page each time):
    the same page gets the same tag and a 304; a change in a filled part or in the article changes it."""
    article = ArticleFactory()
    _cached(client, article)
    url = article.get_absolute_url()
    first = client.get(url)
    assert first["ETag"] == client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304

    monkeypatch.setattr(fragments, "city_clock", lambda: '<div id="city-clock">MOSCOW 12:01</div>')
    clock_moved = client.get(url)
    assert clock_moved["ETag"] != first["ETag"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200

    services.article_correct(article=article, by=None, note="Corrects the dateline: PSKOV, not MOSCOW.")
    assert client.get(url)["ETag"] not in (first["ETag"], clock_moved["ETag"])
