"""Read counters of the database back end: counts per article and time bucket, never a reader.

No row holds an IP address, a user agent or any reader identifier; the back end deduplicates in memory.
The article foreign keys carry no database constraint so that a batch flushed just after an article was
deleted cannot fail; the rows are deleted with the article by Django's collector.
"""

from django.db import models

from newsdesk.news.models import Article


def _article_fk() -> models.ForeignKey:
    return models.ForeignKey(Article, on_delete=models.CASCADE, db_constraint=False, related_name="+")


class MinuteReads(models.Model):
    """Reads per article per minute, for the "Now" window; pruned after a few hours."""

    article = _article_fk()
    minute = models.DateTimeField()
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "minute"], name="minute_reads_unique")]
        indexes = [models.Index(fields=["minute"], name="minute_reads_minute")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.minute:%Y-%m-%d %H:%M}: {self.reads}"


class HourReads(models.Model):
    """Reads per article per hour: "Today", "This week" and the newsroom's charts. Kept."""

    article = _article_fk()
    hour = models.DateTimeField()
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="hour_reads_unique")]
        indexes = [models.Index(fields=["hour"], name="hour_reads_hour")]
        verbose_name = "audience"
        verbose_name_plural = "audience"

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H:%M}: {self.reads}"


class ReferrerReads(models.Model):
    """Reads per article per day per referring site. Only the domain is kept, never the address."""

    article = _article_fk()
    day = models.DateField()
    domain = models.CharField(max_length=253)
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day", "domain"], name="referrer_reads_unique")
        ]
        indexes = [models.Index(fields=["day"], name="referrer_reads_day")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.day} from {self.domain}: {self.reads}"
