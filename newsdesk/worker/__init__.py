"""The background worker: `newsdesk worker` runs Huey's consumer over every app's ``tasks.py``.

Adding a job to the platform (any app):

* a job run after a write — decorate a function in ``<app>/tasks.py`` with ``huey.contrib.djhuey.db_task`` and
  enqueue it with ids, never model instances, once the transaction commits::

      from newsdesk.worker.jobs import enqueue_on_commit
      enqueue_on_commit(article_index_job, article.pk)

* a periodic job — decorate it with ``db_periodic_task(crontab(...))`` in ``<app>/tasks.py``::

      from huey import crontab
      from huey.contrib.djhuey import db_periodic_task

      @db_periodic_task(crontab(minute="*/10"))
      def rates_refresh_job():
          services.rates_refresh()

  ``newsdesk worker`` imports every installed app's ``tasks`` module. However many workers run, each tick
  of a schedule runs once (see ``queues.py``).
"""
