"""A gallery's photos uploaded at once in a real Chromium: four files chosen in one box (one of them not a photo),
a caption and credit typed for each, the bad file refused by name with nothing stored, the rest chosen again with
what was typed kept, put in order by keyboard and by dragging, and read in that order on the reader's page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from newsdesk.news.models import Gallery, Photo
from newsdesk.newsroom.roles import EDITOR
from tests.browser import axe_violations
from tests.factories import user_with_role

from .test_browser import PASSWORD, log_in

PHOTOS = [
    ("tanks.jpg", "Tanks on Red Square", "© TASS/Sergei Bobylev", (160, 40, 40)),
    ("veterans.jpg", "Veterans at the parade", "© TASS/Mikhail Metzel", (40, 160, 40)),
    ("fireworks.png", "Fireworks over the Kremlin", "© AP Photo/Alexander Zemlianichenko", (40, 40, 160)),
]


def row_captions(page) -> list[str]:
    return [
        page.input_value(f"#{box.get_attribute('id')}")
        for box in page.locator("#gallery-order input[name^=caption_]").all()
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_gallery_multi_upload_in_order_by_keyboard_and_by_drag(live_server, browser_page, tmp_path):
    page, base = browser_page, live_server.url
    gallery = Gallery.objects.create(
        title="Victory Day parade in Moscow", slug="victory-day-parade", is_published=True,
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )  # fmt: skip
    files = []
    for name, _, _, colour in PHOTOS:
        Image.new("RGB", (1200, 800), colour).save(tmp_path / name)
        files.append(str(tmp_path / name))
    bad = tmp_path / "minutes.jpg"
    bad.write_text("Minutes of the editorial meeting, not a photo")
    user_with_role(EDITOR, username="editor", password=PASSWORD)
    log_in(page, base, "editor")
    page.goto(base + reverse("admin:news_gallery_change", args=[gallery.pk]))
    with page.expect_navigation():
        page.click("text=Upload photos")

    page.set_input_files("#id_photos", [*files, str(bad)])
    assert page.locator("#gallery-order li").count() == 4  # a row for each file, in the order chosen
    for index, (_, caption, credit, _) in enumerate(PHOTOS):
        page.fill(f"#id_caption_{index}", caption)
        page.fill(f"#id_credit_{index}", credit)
    page.fill("#id_caption_3", "Minutes")
    page.fill("#id_credit_all", "© TASS")
    with page.expect_navigation():
        page.click("input[type=submit]")
    alert = page.locator(".errornote[role=alert]").inner_text()
    assert "Nothing was uploaded" in alert
    assert "minutes.jpg: This file is not a readable image (JPEG, PNG, WebP or GIF)." in alert
    assert "tanks.jpg" not in alert
    assert not Photo.objects.exists() and not gallery.items.exists()

    page.set_input_files("#id_photos", files)  # chosen again, without the bad one
    assert row_captions(page) == [caption for _, caption, _, _ in PHOTOS]  # what was typed is back
    assert page.input_value("#id_credit_2") == PHOTOS[2][2]

    # Keyboard: the fireworks up to first place with its own Move up button, which keeps the focus.
    move_up = page.locator("#gallery-order li", has_text="fireworks.png").locator("[data-move=up]")
    move_up.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.move") == "up"
    assert row_captions(page) == [
        "Fireworks over the Kremlin",
        "Tanks on Red Square",
        "Veterans at the parade",
    ]
    assert "is photo 1 of 3" in page.inner_text("#gallery-order-status")
    page.keyboard.press("Enter")  # already first: said, nothing moves
    assert "already first" in page.inner_text("#gallery-order-status")

    # Mouse: the veterans dragged above the tanks.
    veterans = page.locator("#gallery-order li", has_text="veterans.jpg")
    veterans.drag_to(
        page.locator("#gallery-order li", has_text="tanks.jpg"), target_position={"x": 10, "y": 5}
    )
    assert row_captions(page) == [
        "Fireworks over the Kremlin",
        "Veterans at the parade",
        "Tanks on Red Square",
    ]

    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]][:3]) for v in violations]
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.url == base + reverse("admin:news_gallery_change", args=[gallery.pk])
    assert "3 photos added to the gallery" in page.inner_text(".messagelist")

    items = list(gallery.items.select_related("photo").order_by("order"))
    assert [(i.photo.caption, i.photo.credit) for i in items] == [
        ("Fireworks over the Kremlin", PHOTOS[2][2]),
        ("Veterans at the parade", PHOTOS[1][2]),
        ("Tanks on Red Square", PHOTOS[0][2]),
    ]
    assert all(i.photo.image.name.endswith((".jpg", ".png")) and i.photo.renditions for i in items)
    reader = page.context.new_page()
    reader.goto(base + gallery.get_absolute_url())
    shown = reader.locator("[data-slide]").evaluate_all("links => links.map(a => a.dataset.caption)")
    assert shown == ["Fireworks over the Kremlin", "Veterans at the parade", "Tanks on Red Square"]
