"""Initial data that a fresh database needs: the agency's sections. Editable afterwards; never referenced by code."""

DEFAULT_SECTIONS = [
    ("Russian Politics & Diplomacy", "politics"),
    ("World", "world"),
    ("Business & Economy", "economy"),
    ("Military & Defense", "defense"),
    ("Science & Space", "science"),
    ("Society & Culture", "society"),
    ("Sport", "sport"),
    ("Press Review", "pressreview"),
]


def ensure_default_sections(sender=None, **kwargs) -> None:
    """post_migrate receiver: a database without any section gets the defaults.

    Runs after every migrate and flush, so test databases flushed by transactional tests get them back too;
    once an operator has any section of their own, nothing is added.
    """
    from .models import Section

    if Section.objects.exists():
        return
    Section.objects.bulk_create(
        Section(name=name, slug=slug, order=order)
        for order, (name, slug) in enumerate(DEFAULT_SECTIONS, start=1)
    )
