import functools
import io
import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from events.filters import CHOICES_KEY
from events.management.commands import _demo_extras as extras
from events.management.commands import _demo_history as history
from events.models import Category, Event, Registration

DEMO_ACCOUNTS = [
    {"email": "admin@example.com", "name": "Ada Admin", "password": "ems-admin-demo"},
    {"email": "attendee@example.com", "name": "Alex Attendee", "password": "ems-attendee-demo"},
]
GUEST = "attendee@example.com"  # the demo attendee: joins a few events of each kind
DEMO_DOMAIN = "demo.ems.test"
DEMO_PASSWORD = "ems-demo"
ORGANIZERS = [
    "Lin Okafor",
    "Marta Novak",
    "Jonas Berg",
    "Priya Raman",
    "Tom Whitfield",
    "Chloé Martin",
    "Kenji Sato",
    "Sara Lindqvist",
    "Diego Alvarez",
    "Nora Haddad",
]
CATEGORIES = {
    "Technology": ["Django", "Python", "Rust", "Kubernetes", "Web Security", "Open Source", "Data"],
    "Design": ["Typography", "UX Research", "Product Design", "Illustration"],
    "Business": ["Startups", "Marketing", "Leadership", "Fundraising"],
    "Music": ["Jazz", "Choir", "Electronic Music", "Songwriting"],
    "Food & Drink": ["Sourdough", "Natural Wine", "Coffee", "Vegan Cooking"],
    "Health": ["Yoga", "Running", "Mindfulness"],
    "Science": ["Astronomy", "Climate", "Neuroscience"],
    "Community": ["Volunteering", "Book Club", "Language Exchange"],
}
FORMATS = ["Meetup", "Workshop", "Conference", "Talk", "Masterclass", "Night", "Summit", "Bootcamp"]
ADJECTIVES = [
    "Practical",
    "Intro to",
    "Advanced",
    "Hands-on",
    "Modern",
    "The Future of",
    "Weekend",
    "Beginner's",
    "Deep Dive:",
    "Community",
]
CITIES = {
    "Berlin": ["Kulturbrauerei", "Factory Görlitzer Park", "betahaus"],
    "Lisbon": ["LX Factory", "Hub Criativo do Beato"],
    "London": ["Barbican Centre", "Rich Mix", "The Trampery"],
    "Paris": ["Station F", "La Gaîté Lyrique"],
    "Amsterdam": ["Pakhuis de Zwijger", "TQ Amsterdam"],
    "Barcelona": ["Pier01", "Antiga Fàbrica Estrella Damm"],
    "Vienna": ["Impact Hub Vienna", "MuseumsQuartier"],
    "Dublin": ["Dogpatch Labs", "The Digital Hub"],
    "New York": ["Civic Hall", "The Assemblage"],
    "Bengaluru": ["NUMA Bengaluru", "Bangalore International Centre"],
}
ZONES = {
    "Berlin": "Europe/Berlin",
    "Lisbon": "Europe/Lisbon",
    "London": "Europe/London",
    "Paris": "Europe/Paris",
    "Amsterdam": "Europe/Amsterdam",
    "Barcelona": "Europe/Madrid",
    "Vienna": "Europe/Vienna",
    "Dublin": "Europe/Dublin",
    "New York": "America/New_York",
    "Bengaluru": "Asia/Kolkata",
}
CAPACITIES = [12, 20, 30, 40, 50, 80, 100, 150, 250, 500]
# Events start from this many days ago to this many ahead, so about 60% are upcoming.
PAST_DAYS, AHEAD_DAYS = 120, 180
# The demo's history starts when the first of its registrations can be made.
HISTORY = timedelta(days=PAST_DAYS + 1) + history.BOOKING_WINDOW
PALETTES = [
    ("#4f46e5", "#06b6d4"),
    ("#db2777", "#f59e0b"),
    ("#059669", "#84cc16"),
    ("#7c3aed", "#ec4899"),
    ("#0f766e", "#38bdf8"),
    ("#b91c1c", "#fb923c"),
    ("#1e3a8a", "#a78bfa"),
    ("#92400e", "#facc15"),
]


class Command(BaseCommand):
    help = (
        "Create demo accounts, organizers, attendees, categories, events with posters, "
        "and their registrations, waitlists and check-ins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=200, help="Events to create.")
        parser.add_argument(
            "--users",
            type=int,
            default=100,
            help="Attendee accounts to create; each registers for about 10 events.",
        )
        parser.add_argument("--reset", action="store_true", help="Delete demo data first.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off. Demo passwords are public: never on a real site.",
        )

    def handle(self, *args, events: int, users: int, reset: bool, force: bool, **options):
        if not (settings.DEBUG or force):
            raise CommandError("Refusing to seed demo data with DEBUG off; pass --force.")
        if events < 0 or users < 0:
            raise CommandError("--events and --users cannot be negative.")
        User = get_user_model()
        # The services queue an email per registration; none of them may go out.
        with history.emails_discarded(), transaction.atomic():
            if reset:
                self.reset(User)
            self.seed_accounts(User)
            if Event.objects.filter(organizer__email__endswith=f"@{DEMO_DOMAIN}").exists():
                self.stdout.write("Demo events exist already; use --reset to recreate them.")
            else:
                self.seed_catalogue(User, events=events, users=users)
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account['email']:<24} password: {account['password']}")

    def reset(self, User) -> None:
        Event.objects.filter(organizer__email__endswith=f"@{DEMO_DOMAIN}").delete()
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
        self.stdout.write("Deleted demo events and demo users.")

    def seed_accounts(self, User) -> None:
        for account in DEMO_ACCOUNTS:
            if User.objects.filter(email=account["email"]).exists():
                continue
            create = (
                User.objects.create_superuser
                if "admin" in account["email"]
                else User.objects.create_user
            )
            create(
                email=account["email"],
                password=account["password"],
                name=account["name"],
                email_verified_at=timezone.now(),
            )
            self.stdout.write(f"Created {account['email']}.")

    def seed_catalogue(self, User, *, events: int, users: int) -> None:
        rng = random.Random(2026)
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing per user takes minutes
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        # Demo people and events exist from before the first registration in the history.
        opened = now - HISTORY
        organizers = User.objects.bulk_create(
            User(
                email=f"{slugify(name)}@{DEMO_DOMAIN}",
                name=name,
                password=password,
                date_joined=opened,
                email_verified_at=opened,
            )
            for name in ORGANIZERS
        )
        people = User.objects.bulk_create(
            (
                User(
                    email=f"attendee{n}@{DEMO_DOMAIN}",
                    name=f"Attendee {n}",
                    password=password,
                    date_joined=opened,
                    email_verified_at=opened,
                )
                for n in range(1, users + 1)
            ),
            batch_size=1000,
        )
        categories = [
            Category.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in CATEGORIES
        ]
        posters = {
            category.pk: self.posters(category, index) for index, category in enumerate(categories)
        }
        with history.replaying() as clock:
            clock.moment = opened  # created_at and updated_at
            catalogue = Event.objects.bulk_create(
                (
                    self.event(n, rng, now, rng.choice(organizers), rng.choice(categories), posters)
                    for n in range(1, events + 1)
                ),
                batch_size=1000,
            )
        cache.delete(CHOICES_KEY)  # bulk_create sends no post_save
        guest = User.objects.filter(email=GUEST).first()
        history.replay(events=catalogue, people=people, guest=guest, now=now, rng=rng)
        demo_events = Event.objects.filter(organizer__in=organizers)
        extras.add(events=demo_events, people=people, now=now, organizer=organizers[0])
        history.forget_emails(demo_events)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(organizers)} organizers, {users} attendees and {events} events "
                f"(demo password: {DEMO_PASSWORD})."
            )
        )
        self.stdout.write(self.summary(demo_events))

    def summary(self, events) -> str:
        """One line on the registrations, as the organizer pages count them."""
        registrations = Registration.objects.filter(event__in=events)
        counts = registrations.counts()
        full = events.published().filter(seats_taken__gte=F("capacity")).count()
        cancelled = events.filter(status=Event.Status.CANCELLED).count()
        return (
            f"Registrations: {counts['confirmed']:,} confirmed ({counts['checked_in']:,} "
            f"checked in), {counts['waitlisted']:,} waitlisted. "
            f"Full events: {full}; cancelled: {cancelled}."
        )

    def event(self, n, rng, now, organizer, category, posters) -> Event:
        topic = rng.choice(CATEGORIES[category.name])
        title = f"{rng.choice(ADJECTIVES)} {topic} {rng.choice(FORMATS)}"
        online = rng.random() < 0.2
        city = rng.choice(list(CITIES))
        # Online events are run from one of the same cities, on its clock.
        zone = ZoneInfo(ZONES[city])
        day = (now + timedelta(days=rng.randint(-PAST_DAYS, AHEAD_DAYS))).astimezone(zone).date()
        local = datetime.combine(day, time(rng.choice([9, 10, 14, 18, 19])), tzinfo=zone)
        starts_at = local.astimezone(UTC)
        # A few drafts; cancelling is left to the history, through the services.
        status = Event.Status.DRAFT if rng.random() < 0.04 else Event.Status.PUBLISHED
        full, card = rng.choice(posters[category.pk]) if rng.random() < 0.85 else ("", "")
        return Event(
            organizer=organizer,
            category=category,
            title=title,
            slug=f"{slugify(title)}-{n}",
            description=(
                f"Join us for {article(title)} {title.lower()} with {organizer.name}.\n\n"
                "Expect short talks, practical examples and time to meet other people "
                f"into {topic.lower()}. Bring your questions; drinks and snacks are on us."
            ),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=rng.choice([1, 2, 3, 4, 8])),
            time_zone=zone,
            is_online=online,
            online_url="https://meet.example.com/" + slugify(title) if online else "",
            venue="" if online else rng.choice(CITIES[city]),
            city="" if online else city,
            capacity=rng.choice(CAPACITIES),
            status=status,
            waitlist_enabled=rng.random() < 0.7,
            # From n, not rng, so adding the setting left the rest of the demo unchanged.
            guests_allowed=(0, 0, 0, 1, 2)[n % 5],
            poster=full,
            poster_card=card,
        )

    def posters(self, category: Category, index: int) -> list[tuple[str, str]]:
        """Three generated posters per category, shared by its events (no downloads)."""
        names = []
        for variant in range(3):
            start, end = PALETTES[(index + variant) % len(PALETTES)]
            stored = []
            for folder, width in (("posters/demo", 1600), ("posters/demo/cards", 800)):
                webp = poster_webp(category.name, start, end, index * 3 + variant, width)
                name = f"{folder}/{category.slug}-{variant}.webp"
                default_storage.delete(name)
                stored.append(default_storage.save(name, ContentFile(webp)))
            names.append(tuple(stored))
        return names


def article(phrase: str) -> str:
    """ "a" or "an" before `phrase`, by its first sound as far as the letter tells."""
    return "an" if phrase[:1].lower() in "aeiou" else "a"


@functools.cache
def poster_webp(label: str, start: str, end: str, seed: int, width: int) -> bytes:
    """Drawn and encoded once per process: the tests seed the demo again and again."""
    buffer = io.BytesIO()
    image = poster_image(label, start, end, seed=seed)
    image.resize((width, width * 9 // 16)).save(buffer, "WEBP", quality=80)
    return buffer.getvalue()


def poster_image(label: str, start: str, end: str, *, seed: int) -> Image.Image:
    width, height = 1600, 900
    gradient = Image.linear_gradient("L").rotate(-60, expand=True).resize((width, height))
    image = Image.composite(
        Image.new("RGB", (width, height), end), Image.new("RGB", (width, height), start), gradient
    )
    draw = ImageDraw.Draw(image, "RGBA")
    rng = random.Random(seed)
    for _ in range(7):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(80, 380)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(18, 46)))
    font = ImageFont.load_default(size=120)
    draw.text((110, height - 260), label, font=font, fill=(255, 255, 255, 235))
    return image
