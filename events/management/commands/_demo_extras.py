"""Demo events that show more than one click: one asks questions, one requires approval
and has requests waiting, and a draft has only its title so far. Made through the
services, after the history, on events the history left with room."""

from django.db.models import F

from events import services
from events.models import Event
from events.question_models import Question

Spec = services.QuestionSpec
Kind = Question.Kind


def add(*, events, people, now, organizer) -> None:
    """`events`: the demo's events, as a queryset; `organizer` gets the bare draft."""
    services.create_event(
        organizer=organizer, event=Event(title="Summer picnic (idea)"), poster=None, publish=False
    )
    roomy = list(
        events.published()
        .filter(starts_at__gt=now, guests_allowed__gt=0, seats_taken__lte=F("capacity") - 10)
        .order_by("pk")[:2]
    )
    if len(roomy) < 2:
        return
    _ask_questions(roomy[0])
    registered = set(roomy[1].registrations.values_list("user", flat=True))
    _require_approval(roomy[1], [person for person in people if person.pk not in registered][:3])


def _ask_questions(event: Event) -> None:
    diet = services.add_question(
        event=event,
        spec=Spec(
            kind=Kind.CHOICE,
            label="Dietary needs",
            required=True,
            options=["No preference", "Vegetarian", "Vegan", "Other"],
        ),
    )
    services.add_question(
        event=event,
        spec=Spec(
            kind=Kind.SHORT_TEXT, label="Which diet?", shown_if=diet.pk, shown_if_answer="Other"
        ),
    )
    services.add_question(
        event=event,
        spec=Spec(
            kind=Kind.YES_NO, label="Would you like a T-shirt?", help_text="Free, while they last."
        ),
    )


def _require_approval(event: Event, people) -> None:
    services.update_event(event=event, changes={"requires_approval": True})
    for person in people:
        services.register(user=person, event=event)
