"""The desk: one newsroom screen with the queues that move (incoming wire, in review, my drafts, scheduled,
published in the last hours, corrections and withdrawals, spiked), filtered by section, and the frequent actions
one click (or one key) away: edit, preview, publish, spike, rewrite, flash, takes.

Thin views: reads from selectors.desk_queues, writes through newsdesk.news.services (which check the rights
again). Every action is a POST form that works without JavaScript; desk.js only refreshes the queues (polling
with the desk's position as ETag, as the reader feed polls /live/events) and adds keyboard shortcuts.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotModified, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from newsdesk import editions
from newsdesk.news import services
from newsdesk.news.models import Article, Section

from .desk_html import Renderer
from .editions import dismiss_flag, open_flags, set_user_editions, user_editions
from .selectors import desk_position, desk_queues, urgency_label, wire_origin

VIEW_PERMISSION = "news.view_article"
FLASH_URGENCIES = [(1, "FLASH"), (2, "URGENT"), (3, "3")]
Status = Article.Status


class FlashForm(forms.Form):
    headline = forms.CharField(
        label="Flash",
        max_length=300,
        help_text="One line that says what happened; it is published at once as the whole story. Add takes to it "
        "from the Published queue.",
    )
    section = forms.ModelChoiceField(queryset=Section.objects.all(), empty_label=None)
    urgency = forms.TypedChoiceField(choices=FLASH_URGENCIES, coerce=int, initial=1)


class TakeForm(forms.Form):
    headline = forms.CharField(
        label="Headline",
        max_length=300,
        required=False,
        help_text="Change it when the take changes the story.",
    )
    text = forms.CharField(
        label="New text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Added after the story's text; a blank line starts a new paragraph.",
    )
    note = forms.CharField(
        label="Note to readers",
        max_length=500,
        required=False,
        help_text="Shown in the story's public log as an update (default: “New details added.”).",
    )


def desk_key(section: Section) -> str:
    """How the desk names a section in its addresses: the slug, "ru/sport" for another edition's (slugs are
    unique per edition only)."""
    return section.slug if section.language == editions.default() else f"{section.language}/{section.slug}"


def _find_section(key: str) -> Section | None:
    language, _, slug = key.rpartition("/")
    return (
        Section.objects.filter(slug=slug, language=language or editions.default()).first() if slug else None
    )


def _section(request) -> Section | None:
    return _find_section(request.GET.get("section") or request.POST.get("desk_section") or "")


def _desk_url(section: Section | None) -> str:
    url = reverse("newsroom:desk")
    return f"{url}?{urlencode({'section': desk_key(section)})}" if section else url


def _back(request) -> HttpResponseRedirect:
    return HttpResponseRedirect(_desk_url(_section(request)))


def _etag(position: str) -> str:
    return f'"{position}"'


def desk(request):
    """The desk page; with ``part=queues`` only its queues, for the live refresh, as a 304 when nothing moved."""
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied("The desk is for the newsroom's reporters and editors.")
    # The person's editions first (newsroom/editions.py): their sections, their queues, unless they pick a section.
    languages = user_editions(request.user)
    shown = languages or editions.codes()
    sections = sorted(Section.objects.filter(language__in=shown), key=lambda s: shown.index(s.language))
    for s in sections:
        s.desk_key = desk_key(s)
        if s.language != editions.default():
            s.desk_label = f"{s.name} ({s.language})"
    slug = request.GET.get("section", "")
    section = _find_section(slug) if slug else None
    if slug and section is None:
        messages.warning(request, f"There is no section “{slug[:100]}”: showing every section.")
    now = timezone.now()
    position = desk_position(now=now)
    fragment = request.GET.get("part") == "queues"
    if fragment and request.headers.get("If-None-Match") == _etag(position):
        response = HttpResponseNotModified()
        response["ETag"] = _etag(position)
        response["Cache-Control"] = "no-store"
        return response
    user = request.user
    can_publish = user.has_perm("news.publish_article")
    queues = desk_queues(user=user, section=section, now=now, languages=languages)
    renderer = Renderer(
        csrf_token=get_token(request),
        section_slug=desk_key(section) if section else "",
        can_publish=can_publish,
        can_change=user.has_perm("news.change_article"),
        can_add=user.has_perm("news.add_article"),
    )
    for queue in queues:
        queue.html = renderer.queue(queue)
    context = {
        **admin.site.each_context(request),
        "title": "Desk",
        "queues": queues,
        "sections": sections,
        "section": section,
        "can_publish": can_publish,
        "flash_form": FlashForm(initial={"section": section or (sections[0] if sections else None)})
        if can_publish
        else None,
        "refresh_url": f"{reverse('newsroom:desk')}?{urlencode({'section': desk_key(section), 'part': 'queues'} if section else {'part': 'queues'})}",
        "languages": languages,
        "translation_flags": open_flags(languages=languages),
        "poll_seconds": max(settings.NEWSDESK_LIVE_POLL_SECONDS, 2.0),
        "now": now,
        "position": _etag(position),
    }
    template = "newsroom/_desk_queues.html" if fragment else "newsroom/desk.html"
    response = TemplateResponse(request, template, context)
    response["ETag"] = _etag(position)
    response["Cache-Control"] = "no-store"
    return response


def _article(pk: int) -> Article:
    return get_object_or_404(Article, pk=pk)


def _refused(request, exc: ValidationError, what: str) -> HttpResponseRedirect:
    messages.error(request, f"{what}: {' '.join(exc.messages)}")
    return _back(request)


@require_POST
def publish(request, pk: int):
    """Publish as is (a wire item, an item in review, a scheduled one now), or, with ``at=embargo``, schedule it
    for the time its embargo lifts."""
    article = _article(pk)
    if not request.user.has_perm("news.publish_article"):
        raise PermissionDenied("Only editors publish; submit the item for review instead.")
    at = None
    if request.POST.get("at") == "embargo" and article.embargoed_until:
        at = max(article.embargoed_until, timezone.now())
    elif article.status == Status.SCHEDULED:
        at = timezone.now()  # "Publish now" on a scheduled item
    if article.status == Status.WITHDRAWN:
        messages.error(request, "A withdrawn story is not published again from the desk; open it to decide.")
        return _back(request)
    try:
        article = services.article_publish(article=article, by=request.user, at=at)
    except ValidationError as exc:
        return _refused(request, exc, f"“{article.headline}” was not published")
    if article.visible_at():
        messages.success(request, f"Published: “{article.headline}”.")
    else:
        when = timezone.localtime(article.publish_at)
        messages.success(request, f"Scheduled for {when:%d %b %H:%M}: “{article.headline}”.")
    return _back(request)


@require_POST
def spike(request, pk: int):
    article = _article(pk)
    undo = request.POST.get("undo") == "1"
    try:
        if undo:
            services.article_unspike(article=article, by=request.user)
        else:
            services.article_spike(article=article, by=request.user)
    except ValidationError as exc:
        return _refused(request, exc, f"“{article.headline}” was not spiked")
    if undo:
        messages.success(request, f"Back in its queue: “{article.headline}”.")
    else:
        messages.success(request, f"Spiked: “{article.headline}”. Find it under Spiked to bring it back.")
    return _back(request)


@require_POST
def rewrite(request, pk: int):
    """A new story of ours from the wire item, opened in the editor; the wire copy is spiked."""
    article = _article(pk)
    origin = wire_origin(article)
    provenance = {"source": origin.source, "guid": origin.guid, "version": origin.version} if origin else {}
    if not provenance:
        provenance = {"source": article.dateline_source, "guid": article.guid, "version": article.version}
    try:
        story = services.article_rewrite(article=article, by=request.user, provenance=provenance)
    except ValidationError as exc:
        return _refused(request, exc, f"“{article.headline}” was not rewritten")
    messages.success(
        request, "Your own story, from the wire item: rewrite it and save. The wire item is spiked."
    )
    return HttpResponseRedirect(reverse("admin:news_article_change", args=[story.pk]))


@require_POST
def flash(request):
    if not request.user.has_perm("news.publish_article"):
        raise PermissionDenied("Only editors publish a flash; write it as a story for review instead.")
    form = FlashForm(request.POST)
    if form.is_valid():
        try:
            article = services.article_flash(
                by=request.user,
                headline=form.cleaned_data["headline"],
                section_id=form.cleaned_data["section"].pk,
                urgency=form.cleaned_data["urgency"],
            )
        except ValidationError as exc:
            form.add_error("headline", exc)
        else:
            label = urgency_label(article.urgency) or "Flash"
            messages.success(
                request, f"{label} published: “{article.headline}”. Add takes to it as news comes."
            )
            return _back(request)
    errors = "; ".join(
        f"{form.fields[name].label or name}: {' '.join(errs)}" for name, errs in form.errors.items()
    )
    messages.error(request, f"The flash was not published. {errors}")
    return _back(request)


def take(request, pk: int):
    """A follow-up take on a running story: a new version of the same story (same public id)."""
    article = get_object_or_404(Article.objects.select_related("section"), pk=pk)
    if not request.user.has_perm("news.publish_article"):
        raise PermissionDenied("Only editors add takes to a story.")
    form = TakeForm(
        request.POST if request.method == "POST" else None, initial={"headline": article.headline}
    )
    if form.is_bound and form.is_valid():
        headline = form.cleaned_data["headline"]
        try:
            services.article_take(
                article=article,
                by=request.user,
                text=form.cleaned_data["text"],
                headline=headline if headline != article.headline else "",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            article.refresh_from_db()
            messages.success(request, f"Take added: “{article.headline}”, version {article.version}.")
            return _back(request)
    context = {
        **admin.site.each_context(request),
        "title": f"Add a take to “{article.headline}”",
        "article": article,
        "form": form,
        "section": _section(request),
        "urgency": urgency_label(article.urgency),
        "corrections": list(article.corrections.all()),
    }
    return TemplateResponse(request, "newsroom/desk_take.html", context, status=400 if form.errors else 200)


def install_nav(site) -> None:
    """The desk first in the newsroom's navigation (its index and sidebar), for whoever may see articles."""
    get_app_list = site.get_app_list

    def with_desk(request, app_label=None):
        apps = get_app_list(request, app_label)
        if app_label is None and request.user.has_perm(VIEW_PERMISSION):
            url = reverse("newsroom:desk")
            entry = {"name": "Desk", "object_name": "Desk", "admin_url": url, "add_url": None,
                     "view_only": True, "perms": {"view": True}, "model": None}  # fmt: skip
            apps.insert(0, {"name": "Desk", "app_label": "desk", "app_url": url, "has_module_perms": True,
                            "models": [entry]})  # fmt: skip
        return apps

    site.get_app_list = with_desk


@require_POST
def flag_dismiss(request, pk: int):
    """An editor has looked at a flagged version of a withdrawn story: the flag leaves the desk."""
    if not request.user.has_perm("news.change_article"):
        raise PermissionDenied("Only the newsroom's reporters and editors settle flags.")
    try:
        dismiss_flag(flag_id=pk, by=request.user)
    except ValidationError as exc:
        return _refused(request, exc, "Not dismissed")
    messages.success(request, "The flag is settled.")
    return _back(request)


class EditionsForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label="The editions you work on",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The desk and the article list show these unless you choose otherwise. None: every edition.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = [(code, name) for code, name in settings.LANGUAGES]


def my_editions(request):
    """Each person chooses the editions they work on: the default view of their desk and article list."""
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied("The desk is for the newsroom's reporters and editors.")
    form = EditionsForm(request.POST or None, initial={"languages": user_editions(request.user)})
    if request.method == "POST" and form.is_valid():
        chosen = set_user_editions(user=request.user, languages=form.cleaned_data["languages"])
        messages.success(request, f"Your editions: {', '.join(chosen) or 'every edition'}.")
        return HttpResponseRedirect(reverse("newsroom:desk"))
    context = {**admin.site.each_context(request), "title": "My editions", "form": form}
    return TemplateResponse(request, "newsroom/my_editions.html", context, status=400 if form.errors else 200)
