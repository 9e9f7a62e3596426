"""Reader pages: thin adapters over newsdesk.news.selectors."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from newsdesk.news import selectors
from newsdesk.news.models import Article, Gallery, Infographic, Person, Section, Topic

from .presenters import article_page_context

LIST_LIMIT = 30


@require_safe
def home(request):
    return render(
        request,
        "site/home.html",
        {"top_stories": selectors.top_stories(), "articles": selectors.latest_articles(limit=LIST_LIMIT)},
    )


@require_safe
def latest(request):
    return render(request, "site/list.html", {"title": "News feed", "articles": selectors.latest_articles()})


@require_safe
def article(request, public_id: int, slug: str = ""):
    item = selectors.article_for_reader(public_id=public_id)
    if item is None:
        raise Http404("No such article.")
    if slug != item.slug:
        return HttpResponsePermanentRedirect(item.get_absolute_url())
    if item.status == Article.Status.WITHDRAWN:
        return render(request, "site/withdrawn.html", {"article": item}, status=410)
    return render(request, "site/article.html", article_page_context(item, page=request.GET.get("page")))


def _filtered_list(request, title: str, description: str, articles):
    articles = articles.for_cards().order_by("-publish_at", "-id")[:LIST_LIMIT]
    return render(request, "site/list.html", {"title": title, "description": description, "articles": articles})


@require_safe
def section(request, slug: str):
    obj = get_object_or_404(Section, slug=slug)
    return _filtered_list(request, obj.name, obj.description, Article.objects.published().filter(section=obj))


@require_safe
def person(request, slug: str):
    obj = get_object_or_404(Person, slug=slug)
    return _filtered_list(request, obj.name, obj.description, Article.objects.published().filter(persons=obj))


@require_safe
def topic(request, slug: str):
    obj = get_object_or_404(Topic, slug=slug)
    return _filtered_list(request, obj.name, obj.description, Article.objects.published().filter(topics=obj))


@require_safe
def gallery(request, slug: str):
    obj = get_object_or_404(Gallery.objects.filter(is_published=True), slug=slug)
    items = obj.items.select_related("photo")
    return render(request, "site/gallery.html", {"gallery": obj, "items": items})


@require_safe
def infographic(request, slug: str):
    obj = get_object_or_404(Infographic.objects.filter(is_published=True), slug=slug)
    return render(request, "site/infographic.html", {"infographic": obj})


def page_not_found(request, exception=None):
    return render(request, "site/404.html", status=404)


def server_error(request):
    return render(request, "site/500.html", status=500)
