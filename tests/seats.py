"""The seat invariant, as every test that moves seats checks it."""

from django.db.models import Sum


def assert_invariant(event) -> None:
    """seats_taken == the people in confirmed parties <= capacity, as committed."""
    event.refresh_from_db()
    people = event.registrations.confirmed().aggregate(n=Sum("party_size"))["n"] or 0
    assert event.seats_taken == people <= event.capacity
