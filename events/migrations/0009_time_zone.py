import timezone_field.fields
from django.db import migrations

# Existing events were typed in UTC: each keeps its instant, and gets the zone of its
# city where the city is a well-known one (the demo's among them). Others stay UTC.
CITY_ZONES = {
    "amsterdam": "Europe/Amsterdam",
    "athens": "Europe/Athens",
    "barcelona": "Europe/Madrid",
    "berlin": "Europe/Berlin",
    "brussels": "Europe/Brussels",
    "copenhagen": "Europe/Copenhagen",
    "dublin": "Europe/Dublin",
    "helsinki": "Europe/Helsinki",
    "lisbon": "Europe/Lisbon",
    "london": "Europe/London",
    "madrid": "Europe/Madrid",
    "milan": "Europe/Rome",
    "munich": "Europe/Berlin",
    "new york": "America/New_York",
    "oslo": "Europe/Oslo",
    "paris": "Europe/Paris",
    "prague": "Europe/Prague",
    "rome": "Europe/Rome",
    "san francisco": "America/Los_Angeles",
    "stockholm": "Europe/Stockholm",
    "tokyo": "Asia/Tokyo",
    "vienna": "Europe/Vienna",
    "warsaw": "Europe/Warsaw",
    "zurich": "Europe/Zurich",
}


def zones_from_cities(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    for city, zone in CITY_ZONES.items():
        Event.objects.filter(city__iexact=city).update(time_zone=zone)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_email_delivery_address"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="time_zone",
            field=timezone_field.fields.TimeZoneField(default="UTC", verbose_name="time zone"),
        ),
        migrations.RunPython(zones_from_cities, migrations.RunPython.noop, elidable=True),
    ]
