"""Official exchange rates, one row per provider, date and currency, stored exactly as published.

A row says: `units` of `currency` cost `price` of the provider's base currency. The Bank of Russia publishes
"Nominal units cost Value roubles" (units=Nominal, price=Value); the ECB publishes "1 euro buys rate units"
(units=rate, price=1). One shape for both keeps every conversion a single exact expression (see rates.py).
"""

from django.db import models


class Rate(models.Model):
    provider = models.CharField(max_length=20)
    date = models.DateField(help_text="The date the provider set the rate for.")
    currency = models.CharField(max_length=3)
    units = models.DecimalField(max_digits=20, decimal_places=6)
    price = models.DecimalField(max_digits=20, decimal_places=6)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "date", "currency"], name="markets_rate_unique_day"),
            models.CheckConstraint(
                condition=models.Q(units__gt=0, price__gt=0), name="markets_rate_positive"
            ),
        ]
        indexes = [models.Index(fields=["provider", "currency", "-date"], name="markets_rate_history")]

    def __str__(self) -> str:
        return f"{self.provider} {self.date}: {self.units} {self.currency} = {self.price}"
