"""factory_boy factories built from real news (the seed article and tass.com items), never filler text."""

import datetime as dt
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from newsdesk.news.models import Article, Person, Section, Topic

HEADLINES = [
    "Moscow concerned over no breakthrough in US administration's relations with Russia",
    "Kamaz to supply at least 1,000 trucks to Philippines by 2020",
    "Russian rocket artillery to be rearmed with upgraded launchers by 2020",
    "Hurricane death toll rises to 14 in Moscow, Moscow Region",
    "Russia's foreign trade down 11.9%, to $470 bln in 2016",
    "Collection of watches worth over $10 mln seized from detained Sakhalin ex-governor",
]


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    headline = factory.Sequence(lambda n: f"{HEADLINES[n % len(HEADLINES)]} ({n})")
    slug = factory.Sequence(lambda n: f"article-{n}")
    lead = "Russian Deputy Foreign Minister Sergey Ryabkov noted that under the previous US administration bilateral relations hit their lowest point"
    body = (
        "<p>Moscow is concerned as no serious breakthrough has been seen in Russian-US relations under Donald "
        "Trump's administration, Russian Deputy Foreign Minister Sergey Ryabkov said.</p>"
        "<p>The diplomat noted that under the previous US administration bilateral relations hit their lowest point.</p>"
        "<h2>Moscow did nothing to meddle in US domestic policy</h2>"
        "<p>Moscow has never done anything which could be considered as an attempt to influence Washington's "
        "domestic policy, Ryabkov said.</p>"
    )
    dateline_place = "PSKOV"
    dateline_date = dt.date(2017, 5, 30)
    section = factory.LazyFunction(lambda: Section.objects.get(slug="politics", language="en"))
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    first_published_at = factory.SelfAttribute("publish_at")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = "Donald Trump"
    slug = factory.Sequence(lambda n: f"donald-trump-{n}")
    description = "45th President of the United States"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Foreign policy {n}")
    slug = factory.Sequence(lambda n: f"foreign-policy-{n}")
    mediatopic_code = "medtop:20000640"


def user_with_role(role: str, username: str | None = None, password: str = "correct-horse-battery"):
    user = get_user_model().objects.create_user(username or role.lower(), password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def image_upload(name="photo.jpg", size=(1600, 900), fmt="JPEG", exif=None) -> SimpleUploadedFile:
    img = Image.new("RGB", size, (40, 90, 160))
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    img.save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")
