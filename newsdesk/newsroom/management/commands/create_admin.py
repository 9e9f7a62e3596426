import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from newsdesk.newsroom.roles import ADMIN


class Command(BaseCommand):
    help = "Create the first newsroom admin with a generated password and print it (never a fixed default)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--if-missing", action="store_true", help="Do nothing when a superuser exists.")

    def handle(self, *args, username, if_missing, **options):
        User = get_user_model()
        if if_missing and User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "A newsroom admin exists already (reset with: newsdesk changepassword USERNAME)."
            )
            return
        password = secrets.token_urlsafe(18)
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=ADMIN))
        self.stdout.write(f"Newsroom admin: username {username!r}, password {password!r}")
        self.stdout.write("This password is shown once; change it with: newsdesk changepassword " + username)
