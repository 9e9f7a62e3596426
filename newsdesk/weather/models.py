"""Cities of the header clock (operator-editable data) and the last weather reading fetched for each."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def validate_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"{value!r} is not an IANA time zone; use a name like Europe/Moscow or Asia/Omsk."
        )


class City(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the reader's cookie and in URLs.")
    zone = models.CharField("IANA time zone", max_length=64, validators=[validate_zone])
    latitude = models.DecimalField(
        max_digits=7, decimal_places=4, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        max_digits=7, decimal_places=4, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Shown in the city picker and fetched.")

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "cities"

    def __str__(self) -> str:
        return self.name


class Reading(models.Model):
    """The current weather in a city as the provider last reported it (one row per city)."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="reading")
    provider = models.CharField(max_length=50)
    temperature = models.DecimalField("temperature, °C", max_digits=4, decimal_places=1)
    condition = models.CharField(
        max_length=50, blank=True, help_text="Plain-English summary, e.g. partly cloudy."
    )
    observed_at = models.DateTimeField(help_text="The time the provider's value is valid for.")
    fetched_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.city}: {self.temperature} °C {self.condition}"
