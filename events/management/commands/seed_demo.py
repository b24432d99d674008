from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERS = [
    {
        "email": "admin@example.com",
        "name": "Ada Admin",
        "password": "ems-admin-demo",
        "admin": True,
    },
    {"email": "attendee@example.com", "name": "Alex Attendee", "password": "ems-attendee-demo"},
]


class Command(BaseCommand):
    help = "Create demo accounts (an admin and an attendee) if no users exist yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off. Demo passwords are public: never on a real site.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not (settings.DEBUG or force):
            raise CommandError("Refusing to create demo accounts with DEBUG off; pass --force.")
        User = get_user_model()
        if User.objects.exists():
            self.stdout.write("Users exist already; no demo accounts created.")
        else:
            for demo in DEMO_USERS:
                create = (
                    User.objects.create_superuser if demo.get("admin") else User.objects.create_user
                )
                create(email=demo["email"], password=demo["password"], name=demo["name"])
            self.stdout.write(self.style.SUCCESS("Created demo accounts."))
        existing = set(
            User.objects.filter(email__in=[d["email"] for d in DEMO_USERS]).values_list(
                "email", flat=True
            )
        )
        for demo in DEMO_USERS:
            if demo["email"] in existing:
                self.stdout.write(f"  {demo['email']:<24} password: {demo['password']}")
