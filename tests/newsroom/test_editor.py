"""The body editor's server side: the photo library it inserts from, and the vendored editor build."""

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from newsdesk.news import services
from tests.factories import image_upload

ROOT = Path(__file__).resolve().parents[2]
VENDORED = ROOT / "newsdesk" / "newsroom" / "static" / "newsroom" / "vendor" / "squire"


def test_the_vendored_editor_is_the_version_package_json_pins():
    """The site serves its own copy (no npm needed to run it); it must be the build npm installs for the pinned
    version, unchanged, with its licence beside it."""
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["squire-rte"]
    assert f"squire-rte {pinned}" in (VENDORED / "VERSION").read_text()
    assert "MIT License" in (VENDORED / "LICENSE").read_text()
    installed = ROOT / "node_modules" / "squire-rte"
    if not installed.exists():
        pytest.skip("node_modules/squire-rte is not installed: run `npm ci` to compare the vendored build")
    assert json.loads((installed / "package.json").read_text())["version"] == pinned
    for name in (
        "squire.js",
        "squire.js.map",
    ):
        assert (VENDORED / name).read_bytes() == (installed / "dist" / name).read_bytes(), name


@pytest.mark.django_db
def test_the_photo_picker_lists_the_library_as_the_editor_inserts_it(reporter_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    geneva = services.photo_create(
        image=image_upload("g.jpg", size=(1600, 900)),
        caption="Delegations in Geneva",
        credit="© TASS/Ivan Petrov",
        alt_text="Two delegations at a table",
    )
    services.photo_create(
        image=image_upload("p.png", size=(400, 300), fmt="PNG"),
        caption="Pskov kremlin",
        credit="© AP",
        alt_text="",
    )
    url = reverse("admin:news_photo_picker")

    photos = reporter_client.get(url).json()["photos"]
    assert [p["caption"] for p in photos] == ["Pskov kremlin", "Delegations in Geneva"]  # newest first
    small = photos[0]
    assert (
        small["src"].endswith(".png")
        and small["srcset"] == ""
        and (small["width"], small["height"]) == (400, 300)
    )
    assert small["alt"] == "Pskov kremlin"  # no alt text given: the caption says what it shows

    (found,) = reporter_client.get(url, {"q": "tass/ivan"}).json()["photos"]
    assert found["id"] == geneva.pk and found["alt"] == "Two delegations at a table"
    assert found["src"].endswith("-800.webp") and (found["width"], found["height"]) == (800, 450)
    assert found["srcset"].split(", ")[-1] == f"{geneva.image.url} 1600w"
    assert reporter_client.get(url, {"q": "nothing like it"}).json() == {"photos": []}


@pytest.mark.django_db
def test_the_photo_picker_is_for_the_newsroom_only(client):
    response = client.get(reverse("admin:news_photo_picker"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("intern", password="x", is_staff=True)  # no photo permission
    other = Client()
    other.force_login(staff)
    assert other.get(reverse("admin:news_photo_picker")).status_code == 403
