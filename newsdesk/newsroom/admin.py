"""The newsroom: Django's admin, shaped for editors. Every write goes through newsdesk.news.services."""

import difflib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
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
from newsdesk.site.presenters import article_page_context

from . import users  # noqa: F401  (the user and group admins: nobody grants more than they hold)
from .forms import ArticleForm, InfographicForm, PhotoForm
from .widgets import LabelledSplitDateTime, NamedCellsMixin, SafeAutocompleteMixin

Status = Article.Status


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
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


@admin.register(Article)
class ArticleAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = ArticleForm
    list_display = ["headline", "section", "status_label", "publish_at", "urgency", "top_story_rank"]
    list_filter = ["status", "section", UrgencyFilter]
    list_select_related = ["section"]
    search_fields = ["headline", "=public_id"]
    date_hierarchy = None  # a date drill-down scans the whole table; the filters above use indexes
    show_full_result_count = False  # COUNT(*) over 100k rows on every list page is wasted work
    list_per_page = 50
    ordering = ["-id"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["persons", "topics", "lead_photo", "section"]
    inlines = [ReadAlsoInline, OtherMediaInline, CorrectionInline]
    readonly_fields = [
        "public_id",
        "version",
        "first_published_at",
        "updated_at",
        "links",
        "read_also_suggestions",
    ]
    actions = ["withdraw_selected"]
    change_form_template = "newsroom/article_change_form.html"
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}

    class Media:
        css = {"all": ["newsroom/admin.css"]}
        js = ["newsroom/select2-a11y.js"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "lead", "body", "section", "lead_photo"]}),
        (
            "Dateline and byline",
            {"fields": ["dateline_place", "dateline_date", "dateline_source", "byline", "language"]},
        ),
        ("Publishing", {"fields": ["status", "publish_at", "urgency", "top_story_rank"]}),
        ("Tags", {"fields": ["persons", "topics", "read_also_after", "read_also_suggestions"]}),
        ("Identity", {"fields": ["public_id", "version", "first_published_at", "updated_at", "links"]}),
    ]

    @admin.display(description="Status")
    def status_label(self, obj):
        return obj.effective_status

    @admin.display(description="Suggested Read also")
    def read_also_suggestions(self, obj):
        from newsdesk.search.newsroom import read_also_suggestions_html

        return read_also_suggestions_html(obj)

    def get_search_results(self, request, queryset, search_term):
        from newsdesk.search.newsroom import article_list_search  # the site-wide search engine

        return article_list_search(queryset=queryset, term=search_term)

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

    def save_model(self, request, obj, form, change):
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

    @admin.action(description="Withdraw selected articles", permissions=["withdraw"])
    def withdraw_selected(self, request, queryset):
        for article in queryset:
            services.article_withdraw(
                article=article, by=request.user, note="This article has been withdrawn."
            )
        self.message_user(request, f"{queryset.count()} article(s) withdrawn.", messages.SUCCESS)

    def has_withdraw_permission(self, request):
        return request.user.has_perm("news.withdraw_article")

    def get_urls(self):
        urls = [
            path(
                "<id:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="news_article_preview",
            ),
            path(
                "<id:pk>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name="news_article_revisions",
            ),
            path(
                "<id:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="news_article_correct",
            ),
            path(
                "<id:pk>/revisions/<id:revision_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="news_article_restore",
            ),
        ]
        return urls + super().get_urls()

    def preview_view(self, request, pk: int):
        article = article_for_preview(pk=pk)
        if article is None or not self.has_view_permission(request, article):
            raise PermissionDenied
        context = article_page_context(article, page=request.GET.get("page"))
        context["preview"] = True
        return render(request, "site/article.html", context)

    def revisions_view(self, request, pk: int):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("created_by")[:100])
        diff = None
        a_id, b_id = request.GET.get("a"), request.GET.get("b")
        if a_id and b_id:
            by_id = {str(r.pk): r for r in revisions}
            if a_id not in by_id or b_id not in by_id:
                messages.error(request, "Choose two revisions of this article to compare.")
            else:
                diff = _diff_table(by_id[a_id], by_id[b_id])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "revisions": revisions,
            "diff": diff,
            "can_restore": self.has_change_permission(request, article),
            "title": f"Revisions of “{article.headline}”",
        }
        return TemplateResponse(request, "newsroom/revisions.html", context)

    def restore_view(self, request, pk: int, revision_id: int):
        article = get_object_or_404(Article, pk=pk)
        revision = get_object_or_404(Revision, pk=revision_id, article=article)
        if request.method != "POST" or not self.has_change_permission(request, article):
            raise PermissionDenied
        try:
            services.article_restore_revision(revision=revision, by=request.user)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, f"Not restored: {exc}")
        else:
            messages.success(request, "The revision has been restored; a new revision records the restore.")
        return HttpResponseRedirect(reverse("admin:news_article_change", args=[pk]))

    def correct_view(self, request, pk: int):
        article = get_object_or_404(Article, pk=pk)
        if request.method != "POST" or not request.user.has_perm("news.publish_article"):
            raise PermissionDenied
        try:
            services.article_correct(
                article=article,
                by=request.user,
                note=request.POST.get("note", "")[:2000],
                kind=request.POST.get("kind")
                if request.POST.get("kind") in Correction.Kind.values
                else "correction",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The correction is published under the article.")
        return HttpResponseRedirect(reverse("admin:news_article_change", args=[pk]))


def _diff_table(old: Revision, new: Revision) -> list[tuple[str, str]]:
    rows = []
    for key in new.snapshot:
        before, after = str(old.snapshot.get(key, "")), str(new.snapshot.get(key, ""))
        if before != after:
            html = difflib.HtmlDiff(wrapcolumn=70).make_table(
                before.splitlines() or [""], after.splitlines() or [""], "Older", "Newer", context=True
            )
            rows.append((key, html))
    return rows


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
