"""Questions: the organizer adds them in place, and registering answers them, with a
follow-up question that appears only after the answer it depends on."""

from playwright.sync_api import Page, expect

from events import services
from events.question_models import Question
from tests.factories import EventFactory

from .test_registration import log_in, panel, seats


def test_the_organizer_adds_questions_in_place(page: Page):
    event = EventFactory(title="Hack night", capacity=10)
    log_in(page, event.organizer.email)
    page.goto(event.get_absolute_url())
    questions = page.get_by_role("region", name="Questions at registration")
    questions.get_by_role("link", name="Add questions").click()
    questions.get_by_label("Question", exact=True).fill("Diet")
    questions.get_by_label("Answer", exact=True).select_option(label="One choice")
    questions.get_by_label("Options").fill("Vegan\nOther")
    questions.get_by_label("An answer is required").check()
    questions.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("status")).to_contain_text("Question added.")
    questions.get_by_label("Question", exact=True).fill("Which diet?")
    questions.get_by_label("Ask it").select_option(label="Only when “Diet” is “Other”")
    questions.get_by_role("button", name="Add question").click()
    expect(questions.get_by_role("listitem")).to_have_count(2)
    expect(questions.get_by_label("Question", exact=True)).to_be_focused()
    questions.get_by_role("link", name="Done").click()
    expect(questions.get_by_role("link", name="Edit questions")).to_be_visible()
    assert [q.label for q in event.questions.asked()] == ["Diet", "Which diet?"]


def test_register_with_two_guests_and_answers(page: Page, attendee):
    event = EventFactory(title="Supper club", capacity=6, guests_allowed=2)
    Spec, Kind = services.QuestionSpec, Question.Kind
    diet = services.add_question(
        event=event,
        spec=Spec(kind=Kind.CHOICE, label="Diet", required=True, options=["Vegan", "Other"]),
    )
    services.add_question(
        event=event,
        spec=Spec(
            kind=Kind.SHORT_TEXT, label="Which diet?", shown_if=diet.pk, shown_if_answer="Other"
        ),
    )
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    panel(page).get_by_role("link", name="Register").click()
    form = panel(page)
    form.get_by_label("Guests", exact=True).select_option(label="Me and 2 guests")
    form.get_by_label("Guest 1").fill("Ann")
    which = form.get_by_label("Which diet?")
    expect(which).to_be_hidden()
    form.get_by_label("Other").check()
    expect(which).to_be_visible()
    which.fill("Pescatarian")
    form.get_by_role("button", name="Register").click()

    expect(panel(page)).to_contain_text("With 2 guests: Ann")
    expect(seats(page)).to_have_text("3 of 6 left")
    registration = event.registrations.get()
    assert dict(registration.answers.values_list("question__label", "text")) == {
        "Diet": "Other",
        "Which diet?": "Pescatarian",
    }


def test_a_missing_answer_is_shown_on_its_question(page: Page, attendee):
    event = EventFactory(title="Supper club", capacity=6)
    services.add_question(
        event=event,
        spec=services.QuestionSpec(
            kind=Question.Kind.YES_NO, label="Staying for dinner?", required=True
        ),
    )
    log_in(page, attendee.email)
    page.goto(event.get_absolute_url())
    panel(page).get_by_role("link", name="Register").click()
    expect(panel(page).locator("form :focus")).to_have_count(1)  # htmx has settled the form
    panel(page).get_by_role("button", name="Register").click()
    expect(panel(page)).to_contain_text("This question needs an answer.")
    panel(page).get_by_label("Yes").check()
    panel(page).get_by_role("button", name="Register").click()
    expect(panel(page)).to_contain_text("You're registered.")
