from django.db import models


class PurgeState(models.Model):
    """What the last purge saw of an article, so the next one also purges the pages it was on before.

    An article moved to another section must leave the old section's page too; ``card`` is a fingerprint of
    what list pages show, so a correction that changes only the body leaves the lists cached.
    """

    article_id = models.BigIntegerField(primary_key=True)
    keys = models.JSONField(default=list)
    card = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"purge state of article {self.article_id}"
