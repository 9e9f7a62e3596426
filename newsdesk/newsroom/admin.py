"""The newsroom: Django's admin, shaped for editors. Every write goes through newsdesk.news.services."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html

from newsdesk import converters  # noqa: F401 - registers <id:>
from newsdesk.news import services
from newsdesk.news.models import (
    Article,
    Correction,
    Gallery,
    GalleryPhoto,
    Infographic,
    OtherMediaLink,
    Person,
    Photo,
    ReadAlso,
    Revision,
    Section,
    Topic,
)  # fmt: skip
from newsdesk.news.selectors import article_for_preview
from newsdesk.site.views import article_preview

from . import failures, users  # noqa: F401  (the pipeline's failed effects; the user and group admins: nobody grants more than they hold)
from .desk import install_nav
from .diff import LABELS, changed_by, compare, digest, digest_fields, form_field, labels
from .editions import open_flags, user_editions
from .forms import ArticleForm, CorrectionForm, InfographicForm, PhotoForm, ReasonForm
from .models import EditLock
from .selectors import lock_state, person_name
from .services import lock_open, lock_release, lock_take_over
from .services import new_token as new_lock_token
from .widgets import LabelledSplitDateTime, NamedCellsMixin, SafeAutocompleteMixin

Status = Article.Status


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "language", "order"]
    list_editable = ["order"]
    list_filter = ["language"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":  # the editions this site publishes, not free text
            return forms.TypedChoiceField(
                label="Edition", choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "description", "wikidata_id"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["photo"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "mediatopic_code"]
    search_fields = ["name", "mediatopic_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    list_display = ["thumbnail", "caption", "credit", "created_at"]
    search_fields = ["caption", "credit"]
    list_per_page = 50

    @admin.display(description="Photo")
    def thumbnail(self, obj):
        return format_html('<img src="{}" alt="" width="80">', obj.image.url) if obj.image else ""

    def save_model(self, request, obj, form, change):
        services.photo_save(photo=obj, clean=getattr(form, "clean_upload", None))

    def get_urls(self):
        from .editor import photo_picker

        def picker(request):
            if not self.has_view_permission(request):
                raise PermissionDenied
            return photo_picker(request)

        # The body editor's "Photo" dialog: the library's newest photos, or those matching what was typed.
        view = self.admin_site.admin_view(picker)
        return [path("picker/", view, name="news_photo_picker"), *super().get_urls()]


class ReadAlsoInline(NamedCellsMixin, SafeAutocompleteMixin, admin.TabularInline):
    model = ReadAlso
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["order", "target", "title"]


class OtherMediaInline(NamedCellsMixin, admin.TabularInline):
    model = OtherMediaLink
    extra = 0
    fields = ["order", "title", "outlet", "url", "published_on"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # "tass.com/…" means https


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["created_at", "kind", "note"]
    readonly_fields = ["created_at", "kind", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # corrections are added with the "Correct" button, which bumps the version


class UrgencyFilter(admin.SimpleListFilter):
    """The fixed IPTC scale: Django's default filter would SELECT DISTINCT over every article on each page."""

    title = "urgency"
    parameter_name = "urgency"

    def lookups(self, request, model_admin):
        return [(str(n), "1 (flash)" if n == 1 else str(n)) for n in range(1, 9)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(urgency=int(value)) if value in {str(n) for n in range(1, 9)} else queryset


class EditionFilter(admin.SimpleListFilter):
    """The article's edition: by default the editions the person works on (newsroom/editions.py), if they chose
    some; "Every edition" shows them all. Read from the (language, id) index (news.models.Article.Meta)."""

    title = "edition"
    parameter_name = "edition"
    EVERY = "all"

    def __init__(self, request, params, model, model_admin):
        self.mine = user_editions(request.user)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return list(settings.LANGUAGES)

    def choices(self, changelist):
        mine = ", ".join(self.mine)
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": f"My editions ({mine})" if mine else "Every edition",
        }
        if self.mine:
            yield {
                "selected": self.value() == self.EVERY,
                "query_string": changelist.get_query_string({self.parameter_name: self.EVERY}),
                "display": "Every edition",
            }
        for code, name in self.lookup_choices:
            yield {
                "selected": self.value() == code,
                "query_string": changelist.get_query_string({self.parameter_name: code}),
                "display": name,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value in {code for code, _name in settings.LANGUAGES}:
            return queryset.filter(language=value)
        if value is None and self.mine:
            return queryset.filter(language__in=self.mine)
        return queryset


class CappedCountPaginator(Paginator):
    """Counts at most ``CAP`` + 1 rows: the list's pages and "N articles" stay exact up to ``CAP``, and beyond it
    read "more than" (a COUNT(*) of a million articles took 50 ms on every list page; filters and search narrow
    a list to what can be paged)."""

    CAP = 10_000
    object_list: models.QuerySet[Article]  # the admin's change list pages a queryset

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.CAP + 1].count()


@admin.register(Article)
class ArticleAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = ArticleForm
    list_display = ["headline_and_lock", "section", "status_label", "publish_at", "urgency", "top_story_rank"]
    list_filter = [EditionFilter, "status", "section", UrgencyFilter]
    list_select_related = ["section", "edit_lock__user"]  # who has each story open: a join, not a query a row
    search_fields = ["headline", "=public_id"]
    date_hierarchy = None  # a date drill-down scans the whole table; the filters above use indexes
    show_full_result_count = False  # COUNT(*) over 100k rows on every list page is wasted work
    paginator = CappedCountPaginator
    list_per_page = 50
    ordering = ["-id"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["persons", "topics", "lead_photo", "section", "translation_of"]
    inlines = [ReadAlsoInline, OtherMediaInline, CorrectionInline]
    readonly_fields = [
        "public_id",
        "version",
        "first_published_at",
        "updated_at",
        "links",
        "read_also_suggestions",
        "wire_origin",
    ]
    actions = ["withdraw_selected"]
    change_form_template = "newsroom/article_change_form.html"
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}

    class Media:
        css = {"all": ["newsroom/admin.css", "newsroom/body-editor.css"]}
        # The body's editor: Squire (vendored, see vendor/squire/VERSION) and the toolbar around it.
        js = [
            "newsroom/select2-a11y.js",
            "newsroom/editlock.js",
            "newsroom/vendor/squire/squire.js",
            "newsroom/body-editor.js",
        ]

    fieldsets = [
        (None, {"fields": ["headline", "slug", "lead", "body", "section", "lead_photo"]}),
        (
            "Dateline and byline",
            {"fields": ["dateline_place", "dateline_date", "dateline_source", "byline"]},
        ),
        ("Edition", {"fields": ["language", "translation_of"]}),
        ("Publishing", {"fields": ["status", "publish_at", "embargoed_until", "urgency", "top_story_rank"]}),
        ("Tags", {"fields": ["persons", "topics", "read_also_after", "read_also_suggestions"]}),
        (
            "Identity",
            {"fields": ["public_id", "version", "first_published_at", "updated_at", "links", "wire_origin"]},
        ),
    ]

    @admin.display(description="Status")
    def status_label(self, obj):
        return obj.effective_status

    @admin.display(description="Headline", ordering="headline")
    def headline_and_lock(self, obj):
        """The headline, and under it who has the story open ("Being edited by Anna since 14:02"): in the
        headline's own cell, which no list width pushes off the screen."""
        try:
            state = lock_state(obj.edit_lock, user=self._request_user)
        except EditLock.DoesNotExist:
            state = None
        if state is None:
            return obj.headline
        return format_html('{}<span class="edit-lock-note">{}</span>', obj.headline, state.label)

    def changelist_view(self, request, extra_context=None):
        self._request_user = request.user  # for the lock under each headline: "mine" needs no query per row
        return super().changelist_view(request, extra_context)

    @admin.display(description="Suggested Read also")
    def read_also_suggestions(self, obj):
        from newsdesk.search.newsroom import read_also_suggestions_html

        return read_also_suggestions_html(obj)

    def get_search_results(self, request, queryset, search_term):
        from newsdesk.search.newsroom import article_list_search  # the site-wide search engine

        return article_list_search(queryset=queryset, term=search_term)

    @admin.display(description="From the wire")
    def wire_origin(self, obj):
        """Where a story came from: the wire item it was rewritten from (kept when rewritten), or the item it is."""
        from .selectors import wire_origin, wire_version

        origin = wire_origin(obj) if obj.pk else None
        if origin is None:
            return "—"
        text = format_html(
            "{} · {} · version {}", origin.source or "unknown source", origin.guid, origin.version
        )
        if origin.rewritten_from_id:
            link = reverse("admin:news_article_change", args=[origin.rewritten_from_id])
            text = format_html('Rewritten from <a href="{}">the wire item</a>: {}', link, text)
            newer = wire_version(guid=origin.guid)
            if newer is not None and newer > origin.version:
                # The wire has sent a newer version since: the rewrite may need what it changed.
                text = format_html("{} (the wire has version {} now)", text, newer)
        return text

    @admin.display(description="Links")
    def links(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">Preview</a> · <a href="{}">Revisions</a>',
            reverse("admin:news_article_preview", args=[obj.pk]),
            reverse("admin:news_article_revisions", args=[obj.pk]),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **kw):
                kw["user"] = request.user
                super().__init__(*args, **kw)

        return RequestForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("news.order_top_stories"):
            fields.append("top_story_rank")
        return fields

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is not None and not request.user.has_perm("news.publish_article"):
            # Reporters edit drafts and items in review; what readers can see belongs to editors.
            return obj.status in (Status.DRAFT, Status.REVIEW)
        return True

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # the newsroom withdraws; deleting breaks the wire's history

    # --- the change form: soft lock, version check, conflict screen ------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            user = request.user
            can_change = self.has_change_permission(request, obj)
            token = new_lock_token()
            state = lock_open(article_id=obj.pk, user=user, token=token) if can_change else None
            context.update(
                edit_lock=state,
                lock_token=token if can_change else "",
                lock_url=reverse("admin:news_article_lock", args=[obj.pk]) if can_change else "",
                lock_heartbeat=settings.NEWSDESK_EDIT_LOCK_HEARTBEAT,
                can_take_over=user.has_perm("news.publish_article"),
                can_correct=user.has_perm("news.publish_article") and obj.first_published_at is not None,
                can_withdraw=self.has_withdraw_permission(request) and obj.status != Status.WITHDRAWN,
                # Its version in another edition was withdrawn: does this one stand? (newsroom/editions.py)
                translation_flags=open_flags(article_id=obj.pk),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.EditConflict as conflict:
            # Raised in save_model, inside the admin's transaction: nothing of this save was kept.
            return self.conflict_view(request, object_id, conflict, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            # Locks the row and refuses (EditConflict) if someone saved since this form was loaded.
            base = form.cleaned_data.get("edit_base") or ""
            services.article_edit_check(article_id=obj.pk, base=int(base) if base.isdigit() else None)
            lock_release(article_id=obj.pk, user=request.user)  # "Save and continue" opens the form anew
        previous = services.snapshot(Article.objects.get(pk=obj.pk)) if change else {}
        request._article_previous = previous
        target = form.cleaned_data.get("status", obj.status)
        obj.status = previous.get("status", Status.DRAFT) if change else Status.DRAFT
        # A PermissionDenied from the service (a forged status) answers 403; the form already refused it politely.
        services.article_save(
            article=obj, by=request.user, status=target, previous=previous, record_revision=False
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.revision_record(
            article=form.instance, by=request.user, previous=getattr(request, "_article_previous", {})
        )

    def conflict_view(self, request, object_id, conflict, form_url, extra_context):
        """Someone saved the article after this form was loaded. Show both versions and what differs; nothing is
        saved until the editor chooses, field by field, and submits again."""
        article = self.get_object(request, object_id)
        fieldsets = self.get_fieldsets(request, article)
        form_class = self.get_form(request, article, change=True, fields=flatten_fieldsets(fieldsets))
        form = form_class(request.POST, request.FILES, instance=self.get_object(request, object_id))
        form.is_valid()  # builds form.instance from what this editor sent
        theirs = services.snapshot(article)
        mine = services.snapshot(form.instance)
        for name in ("persons", "topics"):
            if name in form.cleaned_data:
                mine[name] = sorted(obj.pk for obj in form.cleaned_data[name])
        keys = [key for key in theirs if form_field(key) in form.fields]
        rows = compare(theirs, mine, keys=keys)
        if not rows:
            # They saved what this editor would save: nothing to choose, nothing lost. Save against their version.
            request.POST = request.POST.copy()
            request.POST["edit_base"] = str(conflict.current)
            return self.changeform_view(request, object_id, form_url, extra_context)
        # Which fields this editor changed, from the fingerprints of the version the form was loaded from (or
        # that version's revision). A field only they changed defaults to theirs; anything this editor changed
        # to theirs, so that nothing anyone typed is dropped unless someone chooses to drop it.
        base = digest_fields(request.POST.get("edit_digest", ""))
        if base is None:
            base_revision = Revision.objects.filter(pk=conflict.base or 0, article=article).first()
            base = digest_fields(digest(base_revision.snapshot)) if base_revision else None
        mine_changed = changed_by(base, mine) if base is not None else set(LABELS)
        latest = Revision.objects.select_related("created_by").filter(pk=conflict.current).first()
        choices = [{"row": row, "pick": "mine" if row.key in mine_changed else "theirs"} for row in rows]
        hidden = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", "edit_base", "edit_digest", "_resolve")
            and not name.startswith("_pick_")
            for value in values
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Saved by someone else meanwhile: “{article.headline}”",
            "article": article,
            "choices": choices,
            "hidden": hidden,
            "current_base": conflict.current,
            "current_digest": digest(theirs),
            "saved_by": person_name(latest.created_by) if latest else "someone else",
            "saved_at": latest.created_at if latest else None,
            "action_url": request.get_full_path(),
            "change_url": reverse("admin:news_article_change", args=[article.pk]),
        }
        return TemplateResponse(request, "newsroom/article_conflict.html", context, status=409)

    def lock_view(self, request, pk: int):
        """The form's heartbeat ("refresh"; "reopen" when shown again from the page cache), a closed tab
        ("release") and an editor's "Take over" ("take"). Answers
        JSON to the script, or goes back to the form without it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article.objects.only("pk", "status"), pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        token = request.POST.get("token", "")
        token = token if len(token) == 32 and token.isalnum() else new_lock_token()
        action = request.POST.get("action")
        if action == "release":
            lock_release(article_id=pk, user=request.user, token=token)
            state = None
        elif action == "take":
            state = lock_take_over(article_id=pk, user=request.user, token=token)
        else:  # "refresh", or "reopen": the page shown again from the browser's page cache
            state = lock_open(article_id=pk, user=request.user, token=token, reopened=action == "reopen")
        if "application/json" in request.headers.get("Accept", ""):
            # "label" is who else holds the story; empty when nobody does, or this person does.
            mine = bool(state and state.mine)
            return JsonResponse({"mine": mine, "label": state.label if state and not mine else ""})
        if action != "take":
            # A closed tab's beacon: no page to go to (a redirect would be followed, and open the form again).
            return HttpResponse(status=204)
        messages.success(
            request, "You are editing this story now; whoever had it open sees that you took over."
        )
        return HttpResponseRedirect(reverse("admin:news_article_change", args=[pk]))

    # --- withdraw, correct, restore: each a page of its own, confirmed with a reason ----------------------------

    @admin.action(description="Withdraw selected articles…", permissions=["withdraw"])
    def withdraw_selected(self, request, queryset):
        """Asks for the reason readers will be told before anything is withdrawn (Django's delete action asks
        the same way)."""
        form = self._withdraw_form(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = 0
            for article in queryset.exclude(status=Status.WITHDRAWN):
                services.article_withdraw(article=article, by=request.user, note=form.cleaned_data["reason"])
                count += 1
            self.message_user(request, f"{count} article(s) withdrawn.", messages.SUCCESS)
            return None
        articles = list(queryset.select_related("section")[:200])
        return self._withdraw_page(request, articles=articles, form=form, action_url=request.get_full_path())

    def has_withdraw_permission(self, request):
        return request.user.has_perm("news.withdraw_article")

    def _withdraw_form(self, data):
        return ReasonForm(
            data,
            label="Reason readers are told",
            help_text="Shown on the withdrawn article's page (which answers 410 Gone) and sent on the wire, e.g. "
            "“This story has been withdrawn: the report it was based on was not confirmed.”",
        )

    def _withdraw_page(self, request, *, articles, form, action_url, single=False):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Withdraw this article?" if single else "Withdraw these articles?",
            "articles": articles,
            "form": form,
            "single": single,
            "action_url": action_url,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "newsroom/article_withdraw.html", context, status=200 if not form.errors else 400
        )

    def withdraw_view(self, request, pk: int):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_withdraw_permission(request):
            raise PermissionDenied
        change_url = reverse("admin:news_article_change", args=[pk])
        if article.status == Status.WITHDRAWN:
            messages.info(request, "This article is already withdrawn.")
            return HttpResponseRedirect(change_url)
        form = self._withdraw_form(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            services.article_withdraw(article=article, by=request.user, note=form.cleaned_data["reason"])
            messages.success(
                request,
                "The article is withdrawn: its page tells readers why, the wire has a canceled version.",
            )
            return HttpResponseRedirect(change_url)
        return self._withdraw_page(
            request, articles=[article], form=form, action_url=request.get_full_path(), single=True
        )

    def correct_view(self, request, pk: int):
        article = get_object_or_404(Article, pk=pk)
        if not request.user.has_perm("news.publish_article"):
            raise PermissionDenied
        form = CorrectionForm(request.POST if request.method == "POST" else None)
        if form.is_bound and article.first_published_at is None:
            form.add_error(None, "This article has not been published yet: change its text instead.")
        elif form.is_bound and form.is_valid():
            try:
                services.article_correct(
                    article=article,
                    by=request.user,
                    note=form.cleaned_data["note"],
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as exc:
                form.add_error("note", exc)
            else:
                messages.success(
                    request,
                    "The correction is published under the article, in its feed item and on the wire.",
                )
                return HttpResponseRedirect(reverse("admin:news_article_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Publish a correction or update",
            "article": article,
            "form": form,
            "corrections": list(article.corrections.all()),
        }
        return TemplateResponse(
            request, "newsroom/article_correct.html", context, status=400 if form.errors else 200
        )

    def restore_view(self, request, pk: int, revision_id: int):
        article = get_object_or_404(Article, pk=pk)
        revision = get_object_or_404(Revision, pk=revision_id, article=article)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        live = article.visible_at()
        form = ReasonForm(
            request.POST if request.method == "POST" else None,
            label="Why restore this revision?",
            help_text="Kept with the new revision. Readers see the restored text at once."
            if live
            else "Optional: the article is not public, readers see nothing yet.",
            required=live,
        )
        if form.is_bound and form.is_valid():
            try:
                services.article_restore_revision(
                    revision=revision, by=request.user, reason=form.cleaned_data["reason"]
                )
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, f"Not restored: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
            else:
                messages.success(
                    request, "The revision has been restored; a new revision records the restore."
                )
                return HttpResponseRedirect(reverse("admin:news_article_change", args=[pk]))
        current = services.snapshot(article)
        kept = {"status", "publish_at", "top_story_rank"}  # a restore leaves these as they are
        rows = compare(current, revision.snapshot, keys=[k for k in current if k not in kept])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Restore this revision?",
            "article": article,
            "revision": revision,
            "rows": rows,
            "live": live,
            "form": form,
        }
        return TemplateResponse(
            request, "newsroom/article_restore.html", context, status=400 if form.errors else 200
        )

    # --- other pages -------------------------------------------------------------------------------------------

    def get_urls(self):
        def view(name, route, func):
            return path(route, self.admin_site.admin_view(func), name=f"news_article_{name}")

        urls = [
            view("preview", "<id:pk>/preview/", self.preview_view),
            view("revisions", "<id:pk>/revisions/", self.revisions_view),
            view("correct", "<id:pk>/correct/", self.correct_view),
            view("withdraw", "<id:pk>/withdraw/", self.withdraw_view),
            view("lock", "<id:pk>/lock/", self.lock_view),
            view("read_also", "<id:pk>/read-also/", self.read_also_view),
            view("restore", "<id:pk>/revisions/<id:revision_id>/restore/", self.restore_view),
        ]
        return urls + super().get_urls()

    def read_also_view(self, request, pk: int):
        from newsdesk.search.newsroom import read_also_candidates  # the site-wide search engine

        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "items": read_also_candidates(article),
            "title": f"Stories close to “{article.headline}”",
        }
        return TemplateResponse(request, "newsroom/article_read_also.html", context)

    def preview_view(self, request, pk: int):
        article = article_for_preview(pk=pk)
        if article is None or not self.has_view_permission(request, article):
            raise PermissionDenied
        return article_preview(request, article, page=request.GET.get("page"))

    def revisions_view(self, request, pk: int):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("created_by")[:100])
        rows = compared = None
        a_id, b_id = request.GET.get("a"), request.GET.get("b")
        if "compare" in request.GET or a_id or b_id:
            by_id = {str(r.pk): r for r in revisions}
            if not (a_id and b_id):
                messages.warning(
                    request, "Choose two revisions to compare: one under Older and one under Newer."
                )
            elif a_id not in by_id or b_id not in by_id:
                messages.error(request, "Choose two revisions of this article to compare.")
            else:
                older, newer = sorted([by_id[a_id], by_id[b_id]], key=lambda r: (r.created_at, r.pk))
                rows = compare(older.snapshot, newer.snapshot)
                compared = (older, newer)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "revisions": [(revision, labels(revision.changed_fields)) for revision in revisions],
            "rows": rows,
            "compared": compared,
            "can_restore": self.has_change_permission(request, article),
            "title": f"Revisions of “{article.headline}”",
        }
        return TemplateResponse(request, "newsroom/revisions.html", context)


class GalleryPhotoInline(NamedCellsMixin, SafeAutocompleteMixin, admin.TabularInline):
    model = GalleryPhoto
    extra = 1
    autocomplete_fields = ["photo"]


@admin.register(Gallery)
class GalleryAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "is_published", "publish_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [GalleryPhotoInline]
    search_fields = ["title"]
    change_form_template = "newsroom/gallery_change_form.html"  # adds "Upload photos"

    def get_urls(self):
        from .galleries import upload_view

        def upload(request, pk):
            return upload_view(self, request, pk)

        view = self.admin_site.admin_view(upload)
        return [path("<id:pk>/photos/", view, name="news_gallery_photos"), *super().get_urls()]

    def response_add(self, request, obj, post_url_continue=None):
        # A new gallery has no photos yet: straight on to uploading them, all at once.
        if "_save" in request.POST and not obj.items.exists():
            self.message_user(request, f"The gallery “{obj.title}” was added: now upload its photos.")
            return HttpResponseRedirect(reverse("admin:news_gallery_photos", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)


@admin.register(Infographic)
class InfographicAdmin(admin.ModelAdmin):
    form = InfographicForm
    list_display = ["title", "section", "is_published", "publish_at"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]

    def save_model(self, request, obj, form, change):
        services.infographic_save(infographic=obj, clean=getattr(form, "clean_upload", None))


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "created_at", "created_by", "changed_fields"]
    list_select_related = ["article", "created_by"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


install_nav(admin.site)  # the desk (desk.py) first in the newsroom's index and sidebar
