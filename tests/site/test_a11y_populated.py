"""Every page type as readers see it, with data: axe-core (WCAG 2.0/2.1/2.2 A and AA) in light and dark mode at
390 and 1280 px, then forced colours and 200% zoom (320 CSS px) at one width each.

The empty and demo states are covered elsewhere; the colours that failed were in the widgets that only appear
once there are reads, rates, search hits and new stories. So the site is filled once for the module (one live
server, one browser) and each page is loaded once per combination:

- Most read with reads in all three windows, each tab checked in turn;
- search with highlights and facets (one chosen), and with no results but a did-you-mean;
- the converter with an answer and with an error; a rate history with a chart;
- a gallery with photos, an infographic, an article with every block (lead photo, Read also, In other media,
  corrections, tags, several pages);
- the feed with the section filter open and the live "N new stories" notice shown (a story is published while
  the page is open, as in the newsroom);
- the newsroom's login page with an error and its article form with a validation error.

The tests use their own server rather than pytest-django's live_server, which asks for a flush after every test
and would empty the module's data; the module flushes once at the end, as a transactional test does.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections
from django.test.utils import modify_settings, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from newsdesk.analytics.backends import Read, get_backend
from newsdesk.news import services
from newsdesk.news.models import (
    Article,
    Correction,
    Gallery,
    GalleryPhoto,
    Infographic,
    OtherMediaLink,
    ReadAlso,
    Section,
)
from newsdesk.newsroom.roles import EDITOR, sync_roles
from newsdesk.search.services import search_sync_pending
from tests.browser import axe_violations
from tests.factories import ArticleFactory, PersonFactory, TopicFactory, image_upload, user_with_role
from tests.markets.test_converter import store_cbr
from tests.site.conftest import make_articles

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
PASSWORD = "correct-horse-battery"
SECTIONS = [
    ("Russian Politics & Diplomacy", "politics"), ("World", "world"), ("Business & Economy", "economy"),
    ("Military & Defense", "defense"), ("Science & Space", "science"), ("Society & Culture", "society"),
    ("Sport", "sport"), ("Press Review", "pressreview"),
]  # fmt: skip
ARTICLE_BODY = (
    "<p>Moscow is concerned as no serious breakthrough has been seen in Russian-US relations under Donald Trump's "
    "administration, Russian Deputy Foreign Minister Sergey Ryabkov said during the Fort Ross Dialogue forum.</p>"
    "<p>The diplomat noted that under the previous US administration bilateral relations hit their lowest point.</p>"
    "<h2>Moscow did nothing to meddle in US domestic policy</h2>"
    "<p>Moscow has never done anything which could be considered as an attempt to influence Washington's "
    "domestic policy, Ryabkov said.</p>"
    '<hr class="page-break"><p>Moscow wants to change the negative trend in relations with Washington.</p>'
    '<hr class="page-break"><p>The next round of consultations is expected in St. Petersburg.</p>'
)
KAMAZ = (
    "Kamaz to supply at least 1,000 trucks to Philippines by 2020",
    "Kamaz trucks win the Dakar rally for the fifteenth time",
    "Russian army receives new Kamaz armoured trucks",
)


@dataclass
class Site:
    url: str
    paths: dict[str, str] = field(default_factory=dict)
    editor: object = None
    login_state: dict | None = None

    def __getitem__(self, name: str) -> str:
        return self.url + self.paths[name]


# --- the populated site, built once --------------------------------------------------------------------------


@pytest.fixture
def transactional_db():
    """Replaces pytest-django's fixture for this module: its name still makes pytest-django prepare the test
    database and run these tests with the transactional ones, but the data is committed once for the module (by
    ``site``) instead of flushed after each test."""


@pytest.fixture(autouse=True)
def _media_root():
    """Overrides the per-test media folder of tests/conftest.py: the module's photos live as long as its data."""


def _png(size=(1200, 800)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, format="PNG")
    return SimpleUploadedFile("exports.png", out.getvalue(), content_type="image/png")


def _photo(caption: str, alt: str, size=(1600, 900)):
    return services.photo_create(image=image_upload(size=size), caption=caption, credit="© Valery Sharifulin/TASS",
                                 alt_text=alt)  # fmt: skip


def _reads(article: Article, at: dt.datetime, count: int) -> list[Read]:
    return [
        Read(article.pk, article.section_id, at, f"{article.pk}-{at.timestamp()}-{n}".encode())
        for n in range(count)
    ]


def _populate() -> dict[str, str]:
    for order, (name, slug) in enumerate(SECTIONS, start=1):
        Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    politics, economy = Section.objects.get(slug="politics"), Section.objects.get(slug="economy")
    now = timezone.now()

    # An article with every block: lead photo, Read also (a link and a title), In other media, a correction and
    # an update, persons and topics, three pages; urgent and a top story.
    person = PersonFactory(name="Sergey Ryabkov", description="Russian Deputy Foreign Minister",
                           photo=_photo("Sergey Ryabkov", "Sergey Ryabkov at a news conference", (600, 600)))  # fmt: skip
    topic = TopicFactory(name="Russia-US relations")
    article = ArticleFactory(
        headline="Moscow concerned over no breakthrough in US administration's relations with Russia",
        body=ARTICLE_BODY, lead_photo=_photo("White House in Washington", "The White House seen from the South Lawn"),
        urgency=1, top_story_rank=1, publish_at=now - dt.timedelta(minutes=20), updated_at=now,
        first_published_at=now - dt.timedelta(minutes=20), read_also_after=1,
    )  # fmt: skip
    article.persons.add(person)
    article.topics.add(topic)
    related = ArticleFactory(headline="Senior Russian MP says too early to speak of thaw in Russia-US ties")
    ReadAlso.objects.create(article=article, target=related, order=1)
    ReadAlso.objects.create(article=article, title="Kremlin mum on prospects of Russia-US ties", order=2)
    OtherMediaLink.objects.create(
        article=article, title="Russia says no breakthrough in relations with Trump administration",
        outlet="Al Jazeera", url="https://www.aljazeera.com/news/2017/05/russia-breakthrough.html",
        published_on=dt.date(2017, 5, 30),
    )  # fmt: skip
    Correction.objects.create(article=article, note="An earlier version misspelt the forum's name.")
    Correction.objects.create(article=article, kind=Correction.Kind.UPDATE, note="Adds Ryabkov's comments.")
    for n in range(2, 5):
        ArticleFactory(top_story_rank=n, urgency=2 if n == 2 else 5)

    # Feeds in every section, with urgent cards, and stories the search finds with highlights and facets.
    for n, (_, slug) in enumerate(SECTIONS):
        make_articles(6, section=Section.objects.get(slug=slug), newest=now - dt.timedelta(minutes=30 + n))
    ArticleFactory(headline="Four Russians killed in Istanbul helicopter crash", urgency=1)
    for n, headline in enumerate(KAMAZ):
        ArticleFactory(headline=headline, section=economy if n < 2 else politics, lead=f"{headline}, the company said.",
                       body=f"<p>{headline}. Kamaz trucks are built in Naberezhnye Chelny.</p>")  # fmt: skip
    withdrawn = ArticleFactory(headline="Kremlin denies the report of a letter to the White House")
    services.article_withdraw(article=withdrawn, by=None, note="The report was based on a forged letter.")
    search_sync_pending()  # the worker's job: what the factories wrote reaches the search index

    # Most read: different stories in the last hour, the last day and the last week.
    board = list(Article.objects.filter(status=Article.Status.PUBLISHED).order_by("-publish_at")[:12])
    reads = []
    for rank, story in enumerate(board[:4]):
        reads += _reads(story, now - dt.timedelta(minutes=10), 9 - rank)
    for rank, story in enumerate(board[4:8]):
        reads += _reads(story, now - dt.timedelta(hours=5), 30 - rank)
    for rank, story in enumerate(board[8:12]):
        reads += _reads(story, now - dt.timedelta(days=3), 60 - rank)
    get_backend().write(reads)

    gallery = Gallery.objects.create(title="Russia's top diplomat Sergey Lavrov celebrates his birthday",
                                     slug="lavrov-birthday", is_published=True, publish_at=now - dt.timedelta(hours=1))  # fmt: skip
    for n, caption in enumerate(
        ["Sergey Lavrov at a news conference in Moscow", "Sergey Lavrov and Rex Tillerson"]
    ):
        GalleryPhoto.objects.create(gallery=gallery, photo=_photo(caption, caption, (1200, 800)), order=n)
    infographic = Infographic.objects.create(
        title="Russia's foreign trade in 2016", slug="foreign-trade-2016", image=_png(),
        text_alternative="Foreign trade: $470 bln, down 11.9%.\nExports: $285.5 bln.\nImports: $184.5 bln.",
        source="Federal Customs Service", section=economy, is_published=True, publish_at=now - dt.timedelta(hours=2),
    )  # fmt: skip

    # Ten days of Bank of Russia rates: a converter answer and a history chart.
    today = timezone.localdate()
    for days_ago in range(10):
        store_cbr(today - dt.timedelta(days=days_ago), scale=Decimal(1) + Decimal(days_ago % 4) / 100)

    return {
        "home": "/",
        "feed": "/news/",
        "section": "/section/politics/",
        "archive": f"/news/{today:%Y/%m/%d}/",
        "article": article.get_absolute_url(),
        "person": person.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "withdrawn": withdrawn.get_absolute_url(),
        "gallery": gallery.get_absolute_url(),
        "galleries": "/galleries/",
        "infographic": infographic.get_absolute_url(),
        "infographics": "/infographics/",
        "search": "/search/?q=trucks&section=economy",
        "search nothing found": "/search/?q=Kamz+truks",
        "search some words": "/search/?q=Kamaz+truks",
        "converter": "/markets/?amount=1500&from=USD&to=EUR",
        "converter error": "/markets/?amount=-3&from=USD&to=EUR",
        "history": "/markets/history/cbr/USD/",
        "privacy": "/privacy/",
        "weather": "/weather/",
        "404": "/no-such-page/",
        "login": reverse("admin:login"),
        "article form": reverse("admin:news_article_change", args=[article.pk]),
        "audience": reverse("analytics:audience"),
    }


def _requests_finished(timeout: float = 15) -> None:
    """Waits for the server's request threads (a live stream ends within its lifetime after its page closed)."""
    deadline = time.monotonic() + timeout
    while (
        any("process_request_thread" in t.name for t in threading.enumerate()) and time.monotonic() < deadline
    ):
        time.sleep(0.05)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, chromium, tmp_path_factory):
    from pytest_django.live_server_helper import LiveServer

    # A WSGI live stream holds a server thread for its lifetime; short ones end soon after their page closes.
    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("a11y-media"), NEWSDESK_LIVE_WSGI_STREAM_SECONDS=2
    )
    hosts = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
    with django_db_blocker.unblock(), media, hosts:
        cache.clear()
        sync_roles()  # a transactional test's flush removes what the migrations made
        site = Site(url="", paths=_populate())
        site.editor = user_with_role(EDITOR, username="a11y-editor", password=PASSWORD)
        server = LiveServer("localhost")
        site.url = server.url
        try:
            context = chromium.new_context()
            page = context.new_page()
            page.goto(site["login"])
            page.fill("#id_username", "a11y-editor")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(site.url + reverse("admin:index"))
            site.login_state = context.storage_state()
            context.close()
            yield site
        finally:
            _requests_finished()
            server.stop()
            cache.clear()
            call_command("flush", interactive=False, verbosity=0)  # as a transactional test leaves it
            connections.close_all()  # left open, one stops PostgreSQL dropping the test database at the end


# --- what each page type does before it is checked ----------------------------------------------------------


def _publish_while_open(page, site: Site) -> None:
    """The newsroom publishes a routine story while the feed is open: the reader gets the notice."""
    draft = ArticleFactory(headline=f"Lavrov and Tillerson discuss Syria by phone ({time.monotonic_ns()})",
                           urgency=5, status=Article.Status.DRAFT, publish_at=None, first_published_at=None)  # fmt: skip
    services.article_publish(article=draft, by=site.editor)
    notice = page.locator("[data-live-notice]")
    deadline = time.monotonic() + 45
    while not notice.is_visible():  # the live script may stream or poll; time runs fast for a polling one
        assert time.monotonic() < deadline, "the live notice did not appear after a story was published"
        page.clock.fast_forward(5_000)
        try:
            notice.wait_for(state="visible", timeout=1_000)
        except Exception:  # noqa: BLE001 (Playwright's TimeoutError: go round again)
            continue
    assert notice.inner_text().startswith("Show 1 new stor")


def _visit(page, site: Site, name: str, check) -> None:
    """Open page type ``name`` in its populated state; ``check(page, label)`` runs at each state worth checking."""
    if name == "home":
        page.goto(site["home"])
        for tab in ("Now", "Today", "This week"):
            page.get_by_role("tab", name=tab).click()
            panel = page.locator(f"#{page.get_by_role('tab', name=tab).get_attribute('aria-controls')}")
            assert panel.locator("li a").count() > 0, f"Most read {tab} has no stories"
            check(page, f"Most read: {tab}")
    elif name == "feed":
        live = page.context.new_page()  # its own page: the fake clock stays with it
        try:
            live.clock.install()
            live.goto(site["feed"])  # new stories are those published after the page was made
            live.locator(".filter summary").click()
            assert live.locator(".filter fieldset").is_visible()
            _publish_while_open(live, site)
            check(live, "section filter open, new stories notice shown")
        finally:
            live.close()  # and its live connection
    elif name == "login":
        page.goto(site["login"])
        page.fill(
            "#id_username", f"reader-{page.viewport_size['width']}-{time.monotonic_ns()}"
        )  # never locked out
        page.fill("#id_password", "not the password")
        page.click("input[type=submit]")
        page.locator(".errornote").wait_for()
        check(page, "wrong password")
    elif name == "article form":
        page.goto(site["article form"])
        page.fill("#id_headline", "")
        page.click("input[name=_continue]")
        page.locator(".errornote").wait_for()
        assert page.locator("#id_headline_error").inner_text() == "This field is required."
        check(page, "validation error")
    else:
        response = page.goto(site[name])
        assert response.status < 500, (name, response.status)
        if name == "search":
            assert page.locator(".search-hits mark").count() > 0, "no highlights"
            assert page.locator(".search-facets a[aria-current]").count() == 1, "no chosen facet"
            assert page.locator(".search-facets a").count() > 1, "no facets to choose"
        if name == "search nothing found":
            assert "Nothing was found" in page.inner_text("main")
            assert page.locator(".did-you-mean a").inner_text() == "Kamaz trucks"
        if name == "search some words":  # no story has both words: those with one of them, and a respelling
            assert page.locator(".search-any-words").is_visible()
            assert page.locator(".search-hits mark").count() > 0, "no highlights"
            assert page.locator(".did-you-mean a").inner_text() == "Kamaz trucks"
        if name == "converter":
            assert (
                page.locator("#converter-result").inner_text()
                and page.locator("#converter-rate").inner_text()
            )
        if name == "converter error":
            assert page.locator("#converter-errors li").count() == 1
        if name == "history":
            assert page.locator(".history__chart polyline").count() == 1
        if name == "gallery":
            assert page.locator(".thumbs img").count() == 2
        if name in {"article", "person", "topic", "section", "archive"}:
            assert page.locator("#most-read-now li a").count() > 0, "Most read shows no stories"
        check(page, "populated")


PAGES = [
    "home", "feed", "section", "archive", "article", "person", "topic", "withdrawn", "gallery", "galleries",
    "infographic", "infographics", "search", "search nothing found", "search some words",
    "converter", "converter error", "history",
    "privacy", "weather", "404", "login", "article form", "audience",
]  # fmt: skip
NEWSROOM = {"article form", "audience"}


@pytest.fixture(scope="module")
def browser_page(chromium, site):
    """One page per kind of browser (colour scheme, width, forced colours; reader or editor), reused from page
    type to page type: a fresh context per test would cost more than the page's own checks."""
    pages = {}

    def page_for(name: str, **options):
        editor = name in NEWSROOM
        key = (editor, repr(sorted(options.items())))
        if key not in pages:
            if editor:
                options["storage_state"] = site.login_state
            context = chromium.new_context(bypass_csp=True, **options)  # bypassed only so axe can be injected
            context.set_default_timeout(15_000)
            pages[key] = context.new_page()
        return pages[key]

    yield page_for
    for page in pages.values():
        page.context.close()


def _summary(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} on {len(v['nodes'])} element(s): "
        + "; ".join(f"{n['target']}: {' '.join(n['failureSummary'].split())[:200]}" for n in v["nodes"][:5])
        for v in violations
    ]


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{label}:\n  " + "\n  ".join(problems) for label, problems in found.items())


def _check_page(browser_page, site: Site, name: str, extra=None, axe_skips=(), **options) -> None:
    """Visits page type ``name`` in a browser with ``options``; axe (and ``extra(page)``) at each state."""
    found = {}

    def check(page, label):
        # Transitions first: a colour caught half-way is no colour a reader sees.
        page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", polling=100)
        problems = extra(page) if extra else []
        problems += _summary(axe_violations(page, skip_rules=axe_skips))
        if problems:
            found[label] = problems

    _visit(browser_page(name, **options), site, name, check)
    assert not found, _report(found)


# --- axe in light and dark, on a phone and a desktop --------------------------------------------------------


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_populated_page_has_no_wcag_violations(site, browser_page, name, scheme, width):
    phone = width < 600
    _check_page(browser_page, site, name, viewport={"width": width, "height": 844 if phone else 900},
                is_mobile=phone, has_touch=phone, color_scheme=scheme)  # fmt: skip


# --- forced colours: states shown by colour alone vanish ----------------------------------------------------

# What a forced palette keeps: colours become system colours, so a state must differ in something that survives.
STATES_SURVIVE = """() => {
  const canvas = getComputedStyle(document.body).backgroundColor;
  const background = (el) => {  // what shows behind el: its own background or the nearest one below it
    for (; el; el = el.parentElement) {
      const colour = getComputedStyle(el).backgroundColor;
      if (!/rgba\\(.*, 0\\)$/.test(colour)) return colour;
    }
    return canvas;
  };
  const look = (el) => {
    const s = getComputedStyle(el);
    const edge = s.borderBottomStyle === "none" || parseFloat(s.borderBottomWidth) === 0 ? "no edge"
      : `${s.borderBottomStyle} ${s.borderBottomWidth} ${s.borderBottomColor}`;
    return [s.color, background(el), s.fontWeight, s.textDecorationLine, edge, s.outlineStyle].join(" | ");
  };
  const pairs = [
    ["[role=tab][aria-selected=true]", "[role=tab][aria-selected=false]"],
    [".thumbs a[aria-current=true]", ".thumbs a:not([aria-current])"],
    [".search-facets a[aria-current]", ".search-facets a:not([aria-current])"],
    [".sections a[aria-current]", ".sections a:not([aria-current])"],
  ];
  const problems = [];
  for (const [on, off] of pairs) {
    const a = document.querySelector(on), b = document.querySelector(off);
    if (a && b && look(a) === look(b)) problems.push(`${on} looks the same as ${off}: ${look(a)}`);
  }
  for (const mark of document.querySelectorAll("mark"))
    if (background(mark) === background(mark.parentElement))
      problems.push(`a search highlight has its line's background: ${background(mark)}`);
  // The reader site's buttons (Django's admin styles its own, text-only ones).
  const site = document.querySelector("link[href*='site/site.css']");
  for (const button of site ? document.querySelectorAll("button") : []) {
    const s = getComputedStyle(button);
    if (!button.getClientRects().length || s.visibility === "hidden") continue;
    const edge = s.borderBottomStyle !== "none" && parseFloat(s.borderBottomWidth) > 0 &&
      !/rgba\\(.*, 0\\)$/.test(s.borderBottomColor);
    if (!edge && background(button) === background(button.parentElement))
      problems.push(`a button has no visible edge: ${button.outerHTML.slice(0, 100)}`);
  }
  return problems;
}"""


def _states_survive(page) -> list[str]:
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    return page.evaluate(STATES_SURVIVE)


@pytest.mark.parametrize("name", PAGES)
def test_populated_page_in_forced_colours(site, browser_page, name):
    # The palette is the reader's own here: axe's colour rules would weigh the page's colours against forced ones.
    _check_page(browser_page, site, name, _states_survive, axe_skips=("color-contrast", "link-in-text-block"),
                viewport={"width": 1280, "height": 900}, forced_colors="active")  # fmt: skip


# --- 200% zoom: 320 CSS px, nothing lost, no sideways scrolling ----------------------------------------------

NOTHING_LOST = """() => {
  const root = document.scrollingElement, width = root.clientWidth, problems = [];
  if (root.scrollWidth > width) problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${width}`);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "");
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".visually-hidden, .skip-link, svg, script, style, template")) continue;
    const s = getComputedStyle(el);
    if (s.display === "none" || s.visibility === "hidden" || !el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // nothing to see, or hidden the accessible way (1 px, clipped)
    let inScroller = false;  // a wide table may scroll in its own box: nothing is lost, the page stays put
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
      if (scrolls(up)) { inScroller = true; break; }
    if (!inScroller && (r.left < -1 || r.right > width + 1))
      problems.push(`${name(el)} is outside the window: ${Math.round(r.left)}..${Math.round(r.right)} of ${width}`);
    const clips = (["hidden", "clip"].includes(s.overflowX) || ["hidden", "clip"].includes(s.overflowY)) &&
      !el.matches("input, textarea, select");  // a form field scrolls its own text
    if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      problems.push(`${name(el)} cuts off its content`);
  }
  return problems.slice(0, 10);
}"""


@pytest.mark.parametrize("name", PAGES)
def test_populated_page_at_200_percent_zoom(site, browser_page, name):
    # 200% zoom of a 640 px window: 320 CSS px wide, two device pixels to each.
    _check_page(browser_page, site, name, lambda page: page.evaluate(NOTHING_LOST),
                viewport={"width": 320, "height": 480}, device_scale_factor=2)  # fmt: skip


# --- the palettes themselves ----------------------------------------------------------------------------------


def _custom_properties(css: str) -> tuple[dict[str, str], dict[str, str]]:
    light = dict(
        re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", css.split("@media (prefers-color-scheme: dark)")[0])
    )
    dark_block = css.split("@media (prefers-color-scheme: dark)")[1].split("}\n}")[0]
    return light, {**light, **dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", dark_block))}


def _luminance(colour: str) -> float:
    hex_ = colour.lstrip("#")
    hex_ = "".join(c * 2 for c in hex_) if len(hex_) == 3 else hex_
    channels = [int(hex_[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_colour_of_the_palette_meets_aa_on_every_background(scheme):
    light, dark = _custom_properties((settings.BASE_DIR / "newsdesk/site/static/site/site.css").read_text())
    palette = light if scheme == "light" else dark
    text = {"ink": 4.5, "muted": 4.5, "accent": 4.5, "urgent": 4.5, "focus": 3.0}
    failures = [
        (fg, bg, round(contrast(palette[fg], palette[bg]), 2))
        for fg, minimum in text.items()
        for bg in ("bg", "panel", "notice")
        if contrast(palette[fg], palette[bg]) < minimum
    ]
    assert failures == []
