"""The news feed: day groups in the site's zone, urgent items, keyset "More news", the section filter."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from newsdesk.news.models import Article, Section
from newsdesk.site.presenters import group_by_day
from tests.factories import ArticleFactory
from tests.site.conftest import make_articles

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def feed_ids(soup_page):
    return [a["href"] for a in soup_page.select("[data-feed] .card__headline a")]


def test_days_are_headed_today_yesterday_then_the_date(client, soup, settings):
    settings.TIME_ZONE = "Europe/Moscow"  # the times below are Moscow's, whichever zone the suite runs in
    now = timezone.now()
    today = ArticleFactory(publish_at=now - dt.timedelta(minutes=5))
    yesterday = ArticleFactory(publish_at=now - dt.timedelta(days=1))
    seed = ArticleFactory(publish_at=dt.datetime(2017, 5, 30, 8, 41, tzinfo=UTC))  # 11:41 in Moscow
    page = soup(client.get("/news/"))
    headings = [h.get_text() for h in page.select("[data-feed] .day__title")]
    assert headings == ["Today", "Yesterday", "30 May 2017"]
    days = page.select("[data-feed] .day")
    assert days[0].select_one(f"a[href='{today.get_absolute_url()}']")
    assert days[1].select_one(f"a[href='{yesterday.get_absolute_url()}']")
    seed_card = days[2].select_one(".card")
    assert seed_card.select_one("time").get_text() == "11:41 UTC+3"
    assert seed_card.select_one("time")["datetime"] == "2017-05-30T08:41:00+00:00"
    assert seed.headline in seed_card.get_text()


def test_a_day_is_the_local_day_not_the_utc_day(settings):
    settings.TIME_ZONE = "Europe/Moscow"  # three hours ahead of UTC: a day there is not UTC's
    late = Article(publish_at=dt.datetime(2017, 5, 30, 21, 30, tzinfo=UTC))  # 00:30 on 31 May in Moscow
    early = Article(publish_at=dt.datetime(2017, 5, 30, 20, 59, tzinfo=UTC))  # 23:59 on 30 May in Moscow
    groups = group_by_day([late, early], now=dt.datetime(2017, 6, 10, tzinfo=UTC))
    assert [(g.label, len(g.articles)) for g in groups] == [("31 May 2017", 1), ("30 May 2017", 1)]


def test_urgent_items_are_marked(client, soup):
    ArticleFactory(urgency=1, headline="Four Russians killed in Istanbul helicopter crash — Foreign Ministry")
    ArticleFactory(urgency=5)
    cards = soup(client.get("/news/")).select("[data-feed] .card")
    urgent = [c for c in cards if "card--urgent" in c["class"]]
    assert len(urgent) == 1
    assert urgent[0].select_one(".urgent-label").get_text() == "Urgent:"
    assert "Istanbul helicopter crash" in urgent[0].get_text()


def _walk(client, soup, url):
    """Follow "More news" to the end; return every page's article links."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = soup(response)
        pages.append(feed_ids(page))
        more = page.select_one("[data-more]")
        url = more["href"] if more else None
        assert len(pages) < 20
    return pages


def test_more_news_walks_the_whole_feed_without_gaps_or_repeats(client, soup):
    articles = make_articles(75)
    pages = _walk(client, soup, "/news/")
    assert [len(p) for p in pages] == [30, 30, 15]
    seen = [href for page in pages for href in page]
    assert seen == [a.get_absolute_url() for a in articles]


def test_keyset_survives_many_items_published_at_the_same_instant(client, soup):
    same = timezone.now() - dt.timedelta(hours=2)
    older = make_articles(10, newest=same - dt.timedelta(hours=1))
    tied = make_articles(45, newest=same, step_minutes=0)
    pages = _walk(client, soup, "/news/")
    seen = [href for page in pages for href in page]
    assert len(seen) == len(set(seen)) == 55
    assert set(seen[:45]) == {a.get_absolute_url() for a in tied}
    assert seen[45:] == [a.get_absolute_url() for a in older]


def test_more_news_link_is_a_cursor_not_an_offset(client, soup):
    make_articles(40)
    more = soup(client.get("/news/")).select_one("[data-more]")
    query = parse_qs(urlsplit(more["href"]).query)
    assert set(query) == {"before"}
    assert more.get_text() == "More news"
    assert more["rel"] == ["next"]


def test_continuation_pages_are_not_indexed(client, soup):
    make_articles(40)
    first = soup(client.get("/news/"))
    assert first.select_one('meta[name="robots"]') is None
    second = soup(client.get(first.select_one("[data-more]")["href"]))
    assert second.select_one('meta[name="robots"]')["content"] == "noindex, follow"


def test_scheduled_and_draft_articles_stay_out_of_the_feed(client, soup):
    visible = ArticleFactory()
    ArticleFactory(status=Article.Status.SCHEDULED, publish_at=timezone.now() + dt.timedelta(hours=1))
    ArticleFactory(status=Article.Status.DRAFT)
    ArticleFactory(status=Article.Status.WITHDRAWN)
    assert feed_ids(soup(client.get("/news/"))) == [visible.get_absolute_url()]


# --- the per-reader section filter ---------------------------------------------------------------------------


def test_filter_shows_only_the_chosen_sections(client, soup):
    world = Section.objects.get(slug="world")
    economy = Section.objects.get(slug="economy")
    in_world = make_articles(2, section=world)
    in_economy = make_articles(1, section=economy)
    make_articles(3)  # politics
    page = soup(client.get("/news/?section=world&section=economy"))
    expected = {a.get_absolute_url() for a in in_world + in_economy}
    assert set(feed_ids(page)) == expected
    checked = [box["value"] for box in page.select("[data-filter] input[type=checkbox][checked]")]
    assert checked == ["world", "economy"]
    assert page.select_one("details.filter").has_attr("open")
    assert page.title.get_text().startswith("News feed: World, Business & Economy")


def test_filter_form_lists_every_section_as_a_labelled_checkbox(client, soup):
    page = soup(client.get("/news/"))
    form = page.select_one("form[data-filter]")
    assert form["method"] == "get"
    boxes = form.select("input[type=checkbox][name=section]")
    assert [b["value"] for b in boxes] == list(Section.objects.values_list("slug", flat=True))
    for box in boxes:
        assert page.select_one(f"label[for={box['id']}]")
    assert "choosing only interesting sections" in form.select_one("legend").get_text()


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("section=economy&section=world", "/news/?section=world&section=economy"),
        ("section=world&section=world", "/news/?section=world"),
        ("section=no-such-section", "/news/"),
        ("section=%3Cscript%3Ealert(1)%3C/script%3E&section=sport", "/news/?section=sport"),
        ("section=", "/news/"),
    ],
)
def test_filter_urls_are_normalized_so_each_choice_has_one_cacheable_address(client, query, target):
    response = client.get(f"/news/?{query}")
    assert response.status_code == 302
    assert response["Location"] == target


def test_choosing_every_section_is_the_unfiltered_feed(client):
    query = "&".join(f"section={slug}" for slug in Section.objects.values_list("slug", flat=True))
    assert client.get(f"/news/?{query}")["Location"] == "/news/"


def test_hundreds_of_section_values_are_ignored_not_an_error(client):
    query = "&".join(f"section=x{n}" for n in range(900)) + "&section=world"
    response = client.get(f"/news/?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/news/?section=world"


def test_filter_form_remembers_the_choice_in_a_cookie_and_redirects_to_the_shared_url(client):
    response = client.get("/news/filter/?section=sport&section=world")
    assert response.status_code == 302
    assert response["Location"] == "/news/?section=world&section=sport"
    cookie = response.cookies["feed_sections"]
    assert cookie.value == "world.sport"
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert "no-store" in response["Cache-Control"]


def test_my_sections_redirects_to_the_remembered_choice(client):
    client.get("/news/filter/?section=sport")
    response = client.get("/news/mine/")
    assert response["Location"] == "/news/?section=sport"
    assert "private" in response["Cache-Control"]


def test_clearing_the_filter_forgets_the_cookie(client):
    client.get("/news/filter/?section=sport")
    response = client.get("/news/filter/")
    assert response["Location"] == "/news/"
    assert response.cookies["feed_sections"].value == ""
    assert client.get("/news/mine/")["Location"] == "/news/"


@pytest.mark.parametrize(
    "value", ["", "....", "zzz", "x" * 5000, "<script>", "world.%00", "a" * 100 + ".sport"]
)
def test_a_damaged_cookie_never_breaks_my_sections(client, value):
    client.cookies["feed_sections"] = value
    response = client.get("/news/mine/")
    assert response.status_code == 302
    assert response["Location"] in ("/news/", "/news/?section=sport", "/news/?section=world")


def test_feed_pages_never_vary_by_cookie(client):
    client.cookies["feed_sections"] = "sport"
    for url in ("/news/", "/news/?section=sport", "/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Cookie" not in response.get("Vary", "")
        assert not response.cookies


# --- hostile cursors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "abc",
        "1496133660000000",
        "-1-1",
        "1496133660000000-",
        "1496133660000000-42-1",
        "999999999999999999-1",  # 18 digits: beyond any real time
        "1" * 40 + "-1",
        "1496133660000000-" + "9" * 30,
        "1496133660000000-9999999999999999999",  # beyond a 64-bit id
        "1496133660000000-1%00",
        "1496133660000000-1\n",
        "1496133660000000-1'; DROP TABLE news_article; --",
        "١٤٩٦١٣٣٦٦٠٠٠٠٠٠٠-1",  # Arabic-Indic digits are digits to Python, not to us
    ],
)
def test_a_damaged_cursor_is_a_400_in_the_sites_design(client, soup, cursor):
    for path in ("/news/", "/section/world/", "/news/2017/05/30/"):
        response = client.get(path, {"before": cursor})
        assert response.status_code == 400, (path, cursor)
        page = soup(response)
        assert page.h1.get_text() == "We could not understand this address"
        assert page.select_one("nav[aria-label=Sections]")


def test_a_cursor_older_than_everything_is_an_empty_page(client, soup):
    make_articles(3)
    page = soup(client.get("/news/?before=1-1"))
    assert feed_ids(page) == []
    assert "Nothing has been published here yet." in page.get_text()


def test_first_feed_pages_name_their_canonical_address(client, soup, settings):
    make_articles(3)
    page = soup(client.get("/news/?section=world"))
    assert (
        page.select_one('link[rel="canonical"]')["href"]
        == settings.NEWSDESK_SITE_URL + "/news/?section=world"
    )
