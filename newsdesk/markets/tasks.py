"""The worker's rate jobs. Nothing is fetched while NEWSDESK_RATES_BACKENDS is empty.

The Bank of Russia sets the next day's rates in the afternoon (Moscow) and the ECB publishes at about 16:00 CET;
an hourly look for the daily document catches both, and the 90-day history is refreshed once a day.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="7"))
def rates_daily_job() -> None:
    services.rates_refresh(history=False)


@db_periodic_task(crontab(hour="5", minute="17"))
def rates_history_job() -> None:
    services.rates_refresh(history=True)
