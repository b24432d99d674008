"""Single-line text fields stay on one line, and long texts have a size.

Existing rows are cleaned first, so the new checks hold for them too."""

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

import events.text

DESCRIPTION_MAX = 20_000
REASON_MAX = 2_000


def clean_existing(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Category = apps.get_model("events", "Category")
    for category in Category.objects.all():
        name = events.text.one_line(category.name)
        if name != category.name:
            Category.objects.filter(pk=category.pk).update(name=name)
    fields = ["title", "venue", "city", "description", "cancellation_reason"]
    for event in Event.objects.only("pk", *fields).iterator(chunk_size=500):
        cleaned = {
            "title": events.text.one_line(event.title),
            "venue": events.text.one_line(event.venue),
            "city": events.text.one_line(event.city),
            "description": events.text.multi_line(event.description)[:DESCRIPTION_MAX],
            "cancellation_reason": events.text.multi_line(event.cancellation_reason)[:REASON_MAX],
        }
        if any(getattr(event, name) != value for name, value in cleaned.items()):
            Event.objects.filter(pk=event.pk).update(**cleaned)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_event_updated_at_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="category",
            name="name",
            field=events.text.OneLineCharField(max_length=60, unique=True),
        ),
        migrations.AlterField(
            model_name="event",
            name="cancellation_reason",
            field=events.text.MultiLineTextField(blank=True, editable=False, max_length=2000),
        ),
        migrations.AlterField(
            model_name="event",
            name="city",
            field=events.text.OneLineCharField(blank=True, max_length=100),
        ),
        migrations.AlterField(
            model_name="event",
            name="description",
            field=events.text.MultiLineTextField(max_length=20000),
        ),
        migrations.AlterField(
            model_name="event",
            name="title",
            field=events.text.OneLineCharField(max_length=200),
        ),
        migrations.AlterField(
            model_name="event",
            name="venue",
            field=events.text.OneLineCharField(blank=True, max_length=200),
        ),
        migrations.RunPython(clean_existing, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 20000
                ),
                name="event_description_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("cancellation_reason"), 2000
                ),
                name="event_reason_length",
            ),
        ),
    ]
