"""Uploaded files as a weapon (issue "Hostile users and bad luck", finding 1): an infographic upload took any
file, and an editor's .html + .js under /media/ ran on the site's origin in an admin's browser.

Defended twice: infographics take raster images only, checked and re-encoded as photos are; and every file
under MEDIA_URL is served so that nothing in it can run (sandboxing CSP, nosniff, non-images as downloads)."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse
from PIL import Image

from newsdesk.news.models import Infographic
from newsdesk.newsroom.roles import ADMIN, EDITOR
from tests.factories import user_with_role
from tests.news.images import png_header_only, upload

PASSWORD = "correct-horse-battery"
STEAL = "/newsroom/auth/user/"
# What the probe uploaded: a page that loads a script from the same origin, which reads the admin's user list.
EVIL_HTML = b'<!doctype html><title>chart</title><script src="steal.js"></script><p>Loading the chart</p>'
EVIL_JS = (
    b"var x = new XMLHttpRequest(); x.open('GET', '" + STEAL.encode() + b"', false); x.send(); "
    b"document.title = 'stolen ' + x.status;"
)
EVIL_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
    b'<script xlink:href="steal.js"></script><script>document.title = "stolen"</script></svg>'
)


def png(size=(640, 360)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def editor_client(client, db):
    client.force_login(user_with_role(EDITOR))
    return client


def add_infographic(client, image):
    return client.post(
        reverse("admin:news_infographic_add"),
        {
            "title": "Gas pipelines to Europe", "slug": "gas-pipelines", "image": image,
            "text_alternative": "Nord Stream carries 55 bcm a year.", "source": "Gazprom",
            "publish_at_0": "", "publish_at_1": "",
        },
    )  # fmt: skip


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()]


# --- the upload: raster images only -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "content_type", "message"),
    [
        ("chart.html", EVIL_HTML, "text/html", "not a readable image"),
        ("steal.js", EVIL_JS, "text/javascript", "not a readable image"),
        ("chart.svg", EVIL_SVG, "image/svg+xml", "SVG is not accepted"),
        ("chart.png", EVIL_SVG, "image/png", "SVG is not accepted"),  # the name lies; the bytes tell
        ("bomb.png", png_header_only(100_000, 100_000), "image/png", "too many pixels"),
        ("bomb2.png", png_header_only(9_000, 9_000), "image/png", "the limit is 40,000,000 pixels"),
        ("cut.png", png()[:200], "image/png", "not a readable image"),
        ("empty.png", b"", "image/png", "empty"),
    ],
)  # fmt: skip
def test_infographic_upload_takes_images_only(editor_client, media_root, name, data, content_type, message):
    response = add_infographic(editor_client, upload(data, name, content_type))
    assert response.status_code == 200  # the form again, with the reason
    errors = " ".join(response.context["adminform"].form.errors.get("image", []))
    assert message in errors, errors
    assert not Infographic.objects.exists() and stored_files(media_root) == []


@pytest.mark.django_db
def test_an_oversized_infographic_is_refused_by_its_size(editor_client, media_root, settings):
    settings.NEWSDESK_IMAGE_MAX_BYTES = 50_000
    data = png() + b"\0" * 60_000  # the probe stored a 200 MB file; the limit is the photos' one
    response = add_infographic(editor_client, upload(data, "big.png", "image/png"))
    errors = " ".join(response.context["adminform"].form.errors.get("image", []))
    assert "the limit is 49 KB" in errors
    assert not Infographic.objects.exists() and stored_files(media_root) == []


@pytest.mark.django_db
def test_an_image_with_a_page_appended_is_stored_as_its_pixels_only(editor_client, media_root):
    polyglot = png() + b"<html><script>alert(document.cookie)</script></html>"
    response = add_infographic(editor_client, upload(polyglot, "chart.html", "text/html"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    infographic = Infographic.objects.get()
    stored = Path(infographic.image.path)
    assert stored.suffix == ".png" and stored.name != "chart.html" and "infographics" in stored.parts
    data = stored.read_bytes()
    assert b"<script" not in data and Image.open(io.BytesIO(data)).size == (640, 360)
    assert stored_files(media_root) == [stored]


# --- serving: nothing under /media/ runs, whatever it is ----------------------------------------------------


def plant(media_root: Path) -> dict[str, bytes]:
    """Files as the old upload stored them (the fix must make these harmless too), and a real image."""
    files = {
        "evil.html": EVIL_HTML, "steal.js": EVIL_JS, "evil.svg": EVIL_SVG, "evil.xml": EVIL_SVG,
        "page.png": EVIL_HTML, "noext": EVIL_HTML, "chart.png": png(),
    }  # fmt: skip
    folder = media_root / "infographics" / "2026" / "01"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


@pytest.mark.django_db
def test_media_is_served_sandboxed_and_non_images_as_downloads(client, media_root):
    plant(media_root)
    for name in ("evil.html", "steal.js", "evil.svg", "evil.xml", "noext", "page.png", "chart.png"):
        response = client.get(f"/media/infographics/2026/01/{name}")
        assert response.status_code == 200, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'", name
        if name.endswith(".png"):  # shown inline as an image (nosniff: never read as a page)
            assert response["Content-Type"] == "image/png"
            assert not response.get("Content-Disposition", "").startswith("attachment")
        else:
            assert response["Content-Disposition"].startswith("attachment"), name
            assert response["Content-Type"] == "application/octet-stream", name


@pytest.mark.django_db
def test_a_revalidated_image_keeps_its_type(client, media_root):
    plant(media_root)
    first = client.get("/media/infographics/2026/01/chart.png")
    again = client.get("/media/infographics/2026/01/chart.png", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304 and not again.get("Content-Disposition", "").startswith("attachment")
    assert again.get("Content-Type", "image/png") == "image/png"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def app_server(transactional_db):
    """The project's WSGI application on 127.0.0.1, as `make run` serves it. Not pytest-django's live_server:
    Django's test server answers MEDIA_URL itself, so the project's own media view would never be tested."""
    httpd = make_server("127.0.0.1", 0, WSGIHandler(), _ThreadingWSGIServer, _QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.browser
@pytest.mark.parametrize("name", ["evil.html", "evil.svg", "page.png"])
def test_an_admin_opening_a_planted_file_runs_nothing(app_server, chromium, media_root, name):
    """The probe's attack, in Chromium: a signed-in admin opens the planted page; its script never runs."""
    plant(media_root)
    user_with_role(ADMIN, username="chief", password=PASSWORD)
    context = chromium.new_context()  # CSP enforced: this test is about what the headers do
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        base = app_server
        page.goto(base + reverse("admin:login"))
        page.fill("#id_username", "chief")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(base + reverse("admin:index"))
        stolen: list[str] = []
        page.on("request", lambda request: stolen.append(request.url) if STEAL in request.url else None)
        try:
            page.goto(f"{base}/media/infographics/2026/01/{name}")  # waits for load: scripts have run
        except Exception as exc:  # a download is no page: Playwright says "Download is starting"
            assert "Download is starting" in str(exc), exc
        assert stolen == [] and "stolen" not in page.title()
    finally:
        context.close()
