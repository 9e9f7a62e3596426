"""The worker's weather job. Nothing is fetched while NEWSDESK_WEATHER_BACKEND is empty."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/30"))
def weather_refresh_job() -> None:
    services.weather_refresh()
