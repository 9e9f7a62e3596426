"""The quarantine in the newsroom: listed with its reasons in a fixed number of queries, retried by action."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsdesk.ingest.models import IngestedItem, IngestLog, IngestSource
from newsdesk.ingest.services import Routing, ingest_document
from newsdesk.news.models import Article

from .test_services import ninjs


@pytest.fixture
def admin_client(db, client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.com", "correct horse battery")
    client.force_login(user)
    return client


def _quarantine(source, n):
    for i in range(n):
        ingest_document(
            data=ninjs(guid=f"urn:tass:{i}"),
            origin=f"wire/{i}.json",
            routing=Routing.for_source(source),
            source=source,
        )


@pytest.mark.django_db
def test_log_lists_reasons_in_constant_queries(admin_client, django_assert_max_num_queries):
    source = IngestSource.objects.create(name="Partner wire", kind="folder", location="/srv/wire")
    _quarantine(source, 3)
    url = reverse("admin:ingest_ingestlog_changelist")
    with django_assert_max_num_queries(12) as few:
        response = admin_client.get(url)
    _quarantine(source, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "no section to put it in" in page and "Partner wire" in page


@pytest.mark.django_db
def test_retry_action_imports_after_the_routing_is_fixed(admin_client, world):
    source = IngestSource.objects.create(name="Partner wire", kind="folder", location="/srv/wire")
    _quarantine(source, 2)
    source.default_section = world
    source.save()
    ids = list(IngestLog.objects.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:ingest_ingestlog_changelist"),
        {"action": "retry", "_selected_action": ids},
        follow=True,
    )
    assert "2 imported, 0 still refused" in response.content.decode()
    assert Article.objects.count() == 1 and IngestedItem.objects.count() == 2  # the same story twice: linked
    assert set(IngestLog.objects.values_list("status", flat=True)) == {IngestLog.Status.RETRIED}


@pytest.mark.django_db
def test_source_admin_pages_render(admin_client, world):
    source = IngestSource.objects.create(
        name="TASS feed", kind="url", location="https://tass.com/rss/v2.xml", default_section=world
    )
    assert admin_client.get(reverse("admin:ingest_ingestsource_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:ingest_ingestsource_change", args=[source.pk])).status_code == 200
    assert admin_client.get(reverse("admin:ingest_ingesteditem_changelist")).status_code == 200
