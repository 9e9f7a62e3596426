from django.core.management.base import BaseCommand

from newsdesk.newsroom.roles import sync_roles


class Command(BaseCommand):
    help = "Create or update the newsroom role groups (Reporter, Editor, Admin)."

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write("Newsroom roles are up to date.")
