"""Subscriber tokens are made in the newsroom; the key is shown once and only its digest is kept."""

import re

import pytest
from django.contrib.auth import get_user_model

from newsdesk.syndication.models import SubscriberToken

pytestmark = pytest.mark.django_db


def test_token_made_in_the_newsroom_works_once_shown(client):
    admin = get_user_model().objects.create_superuser("chief", password="correct-horse-battery")
    client.force_login(admin)
    response = client.post(
        "/newsroom/syndication/subscribertoken/add/",
        {"name": "Regional Daily web desk", "rate_limit_per_minute": "120", "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    shown = re.search(r"nd_[A-Za-z0-9_-]{40,}", response.content.decode())
    assert shown, "the new key is shown once"
    token = SubscriberToken.objects.get()
    assert token.rate_limit_per_minute == 120 and shown[0] not in token.key_digest
    assert token.key_prefix == shown[0][:8]
    client.logout()
    api = client.get("/api/v1/items", headers={"Authorization": f"Bearer {shown[0]}"})
    assert api.status_code == 200 and api["X-RateLimit-Limit"] == "120"


def test_token_form_rejects_bad_input(client):
    admin = get_user_model().objects.create_superuser("chief", password="correct-horse-battery")
    client.force_login(admin)
    for data in (
        {"name": "", "rate_limit_per_minute": "60"},
        {"name": "Desk", "rate_limit_per_minute": "0"},
        {"name": "Desk", "rate_limit_per_minute": "many"},
        {"name": "x" * 500, "rate_limit_per_minute": "60"},
    ):
        response = client.post("/newsroom/syndication/subscribertoken/add/", data)
        assert response.status_code == 200, data  # the form again, with its errors
    assert SubscriberToken.objects.count() == 0
