"""Path converters shared by the apps' urls.py: importing this module registers them."""

from django.urls import register_converter


class DatabaseId:
    """``<id:name>``: a whole number that fits any integer column we look it up in (at most 18 digits, below
    2**63). Django's ``<int:>`` takes any length, and a longer number overflows the database driver (a 500
    on SQLite) instead of being what it is: no such page (404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(DatabaseId, "id")
