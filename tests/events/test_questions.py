"""The organizer's questions and the answers registering gives: kinds, conditions,
required answers, and every bad answer refused with nothing changed."""

import pytest

from events import services
from events.question_models import Question
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
Spec = services.QuestionSpec
Kind = Question.Kind


@pytest.fixture
def event():
    return EventFactory(capacity=10)


def ask(event, kind, label, **extra):
    return services.add_question(event=event, spec=Spec(kind=kind, label=label, **extra))


@pytest.fixture
def questions(event):
    """A small form: diet (one choice), allergies only for "Other", a T-shirt yes/no,
    its size only on yes, sessions (several), a number, and a long note."""
    diet = ask(event, Kind.CHOICE, "Diet", required=True, options=["Vegan", "Other"])
    allergies = ask(
        event,
        Kind.SHORT_TEXT,
        "Allergies",
        required=True,
        shown_if=diet.pk,
        shown_if_answer="Other",
    )
    shirt = ask(event, Kind.YES_NO, "T-shirt?")
    size = ask(
        event,
        Kind.CHOICE,
        "Size",
        options=["S", "M"],
        shown_if=shirt.pk,
        shown_if_answer="yes",
        required=True,
    )
    sessions = ask(event, Kind.CHOICES, "Sessions", options=["Talks", "Lab", "Party"])
    age = ask(event, Kind.NUMBER, "Age")
    note = ask(event, Kind.LONG_TEXT, "Note", help_text="Anything else?")
    event.refresh_from_db()  # as a request would read it, asking questions
    return {q.label: q for q in (diet, allergies, shirt, size, sessions, age, note)}


def register(event, answers, guests=0):
    return services.register(user=UserFactory(), event=event, answers=answers).registration


def answers_of(registration):
    return {a.question.label: a.text for a in registration.answers.select_related("question")}


def test_adding_a_question_makes_register_open_the_form(event):
    assert not event.asks_before_registering
    ask(event, Kind.SHORT_TEXT, "Company")
    event.refresh_from_db()
    assert event.asks_questions and event.asks_before_registering


def test_answers_are_stored_as_given(event, questions):
    q = questions
    registration = register(
        event,
        {
            str(q["Diet"].pk): "Other",
            str(q["Allergies"].pk): "  Peanuts ",
            q["T-shirt?"].pk: True,
            q["Size"].pk: "M",
            q["Sessions"].pk: ["Party", "Talks"],
            q["Age"].pk: "41",
            q["Note"].pk: "Line one\r\nLine two",
        },
    )
    assert answers_of(registration) == {
        "Diet": "Other",
        "Allergies": "Peanuts",
        "T-shirt?": "yes",
        "Size": "M",
        "Sessions": "Talks\nParty",
        "Age": "41",
        "Note": "Line one\nLine two",
    }


def test_questions_hidden_by_their_condition_need_no_answer(event, questions):
    q = questions
    registration = register(event, {q["Diet"].pk: "Vegan", q["T-shirt?"].pk: "no"})
    assert answers_of(registration) == {"Diet": "Vegan", "T-shirt?": "no"}


@pytest.mark.parametrize(
    ("answers", "label", "message"),
    [
        ({}, "Diet", "This question needs an answer."),
        ({"Diet": "Other"}, "Allergies", "This question needs an answer."),
        ({"Diet": "Meat"}, "Diet", "“Meat” isn't one of the options."),
        (
            {"Diet": "Vegan", "Allergies": "Nuts"},
            "Allergies",
            "it's only asked when “Diet” is “Other”",
        ),
        ({"Diet": "Vegan", "Size": "S"}, "Size", "only asked when “T-shirt?” is “Yes”"),
        ({"Diet": "Vegan", "Sessions": ["Talks", "Dance"]}, "Sessions", "“Dance” isn't one"),
        ({"Diet": "Vegan", "Age": "old"}, "Age", "Enter a number."),
        ({"Diet": "Vegan", "Age": True}, "Age", "Enter a number."),
        ({"Diet": "Vegan", "Age": "1e400"}, "Age", "Enter a number."),
        ({"Diet": "Vegan", "T-shirt?": "maybe"}, "T-shirt?", "Answer yes or no."),
        ({"Diet": "Vegan", "Note": "x" * 100_000}, "Note", "under 2,000 characters"),
        ({"Diet": "Vegan", "Note": ["x"]}, "Note", "Answer with text."),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_registered(
    event, questions, answers, label, message
):
    given = {questions[name].pk: value for name, value in answers.items()}
    with pytest.raises(services.InvalidAnswers) as refused:
        register(event, given)
    assert message in refused.value.errors[questions[label].pk]
    assert not event.registrations.exists()
    event.refresh_from_db()
    assert event.seats_taken == 0


def test_answers_to_another_events_question_are_refused(event, questions):
    other = ask(EventFactory(), Kind.SHORT_TEXT, "Elsewhere")
    with pytest.raises(services.InvalidAnswers) as refused:
        register(event, {questions["Diet"].pk: "Vegan", other.pk: "Hi"})
    assert refused.value.errors[other.pk] == f"This event has no question {other.pk}."
    assert not event.registrations.exists()


def test_answers_can_be_edited_until_the_event_starts(event, questions):
    user = UserFactory()
    services.register(user=user, event=event, answers={questions["Diet"].pk: "Vegan"})
    place = services.change_party(
        user=user,
        event=event,
        answers={questions["Diet"].pk: "Other", questions["Allergies"].pk: "Soy"},
    )
    assert answers_of(place.registration) == {"Diet": "Other", "Allergies": "Soy"}
    with pytest.raises(services.InvalidAnswers):
        services.change_party(user=user, event=event, answers={})
    assert answers_of(place.registration) == {"Diet": "Other", "Allergies": "Soy"}


def test_changing_or_removing_a_question_keeps_the_answers_readable(event, questions):
    registration = register(event, {questions["Diet"].pk: "Vegan", questions["Note"].pk: "Hello"})
    services.update_question(
        question=questions["Diet"],
        spec=Spec(kind=Kind.CHOICE, label="Food", required=True, options=["Plant-based", "Other"]),
    )
    services.remove_question(question=questions["Note"])
    assert answers_of(registration) == {"Food": "Vegan", "Note": "Hello"}
    assert [q.label for q in event.questions.asked()][-1] == "Age"
    # Editing later replaces answers to questions still asked and keeps the rest.
    services.change_party(
        user=registration.user, event=event, answers={questions["Diet"].pk: "Plant-based"}
    )
    assert answers_of(registration) == {"Food": "Plant-based", "Note": "Hello"}


def test_removing_the_last_question_brings_back_one_click(event):
    only = ask(event, Kind.SHORT_TEXT, "Company")
    services.remove_question(question=only)
    event.refresh_from_db()
    assert not event.asks_before_registering


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (Spec(kind=Kind.SHORT_TEXT, label="  "), "label"),
        (Spec(kind=Kind.CHOICE, label="Pick", options=["One"]), "options"),
        (Spec(kind=Kind.CHOICE, label="Pick", options=["A", "A"]), "options"),
        (Spec(kind=Kind.CHOICE, label="Pick", options=[str(n) for n in range(21)]), "options"),
        (Spec(kind=Kind.CHOICE, label="Pick", options=["A", "x" * 101]), "options"),
    ],
)
def test_a_bad_question_is_refused(event, spec, field):
    with pytest.raises(services.InvalidChange) as refused:
        services.add_question(event=event, spec=spec)
    assert refused.value.field == field
    assert not event.questions.exists()


def test_a_condition_must_point_to_an_earlier_choice_and_one_of_its_answers(event, questions):
    note = questions["Note"]
    with pytest.raises(services.InvalidChange, match="earlier choice"):
        ask(event, Kind.SHORT_TEXT, "X", shown_if=note.pk, shown_if_answer="Hi")
    with pytest.raises(services.InvalidChange, match="one of that question's answers"):
        ask(event, Kind.SHORT_TEXT, "X", shown_if=questions["Diet"].pk, shown_if_answer="Meat")
    other = ask(EventFactory(), Kind.YES_NO, "Elsewhere")
    with pytest.raises(services.InvalidChange, match="earlier choice"):
        ask(event, Kind.SHORT_TEXT, "X", shown_if=other.pk, shown_if_answer="yes")


def test_a_question_others_depend_on_keeps_its_place_and_its_answer(event, questions):
    diet, allergies = questions["Diet"], questions["Allergies"]
    with pytest.raises(services.InvalidChange, match="stays after it"):
        services.move_question(question=allergies, up=True)
    with pytest.raises(services.InvalidChange, match="Change it first"):
        services.remove_question(question=diet)
    with pytest.raises(services.InvalidChange, match="keep that answer"):
        services.update_question(
            question=diet, spec=Spec(kind=Kind.CHOICE, label="Diet", options=["Vegan", "Meat"])
        )


def test_reordering(event, questions):
    services.move_question(question=questions["Note"], up=True)
    services.move_question(question=questions["Diet"], up=True)  # already first: no change
    labels = [q.label for q in event.questions.asked()]
    assert labels == ["Diet", "Allergies", "T-shirt?", "Size", "Sessions", "Note", "Age"]


def test_at_most_20_questions(event):
    for n in range(20):
        ask(event, Kind.SHORT_TEXT, f"Q{n}")
    with pytest.raises(services.InvalidChange, match="20 questions at most"):
        ask(event, Kind.SHORT_TEXT, "One more")


def test_a_cancelled_event_takes_no_question_changes(event):
    services.cancel_event(event=event, reason="Rain")
    with pytest.raises(services.EventLocked):
        ask(event, Kind.SHORT_TEXT, "Company")


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [
        ("Age", "1e-999999", "Enter a number."),
        ("Age", "9" * 5000, "Enter a number."),
        ("Diet", "   ", "This question needs an answer."),
        ("Sessions", [str(n) for n in range(50)], "isn't one of the options"),
    ],
)
def test_answers_that_look_harmless_but_are_not(event, questions, label, value, message):
    answers = {questions["Diet"].pk: "Vegan", questions[label].pk: value}
    with pytest.raises(services.InvalidAnswers) as refused:
        register(event, answers)
    assert message in refused.value.errors[questions[label].pk]
    assert not event.registrations.exists()


def test_every_option_of_several_choices_fits_the_stored_answer(event):
    options = [f"{n:02d}" + "x" * 98 for n in range(20)]
    many = ask(event, Kind.CHOICES, "All of them", options=options)
    event.refresh_from_db()
    registration = register(event, {many.pk: options})
    assert registration.answers.get().text.splitlines() == options
