"""Questions in the browser and the API: the registration form asks them, the
organizer edits them in place, and answers show in the attendee list and the CSV."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from events import services
from events.question_models import Question
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
Spec = services.QuestionSpec
Kind = Question.Kind


def url(name, event, **kwargs):
    return reverse(f"events:{name}", kwargs={"slug": event.slug, **kwargs})


@pytest.fixture
def event():
    event = EventFactory(capacity=5)
    diet = services.add_question(
        event=event,
        spec=Spec(kind=Kind.CHOICE, label="Diet", required=True, options=["Vegan", "Other"]),
    )
    services.add_question(
        event=event,
        spec=Spec(kind=Kind.SHORT_TEXT, label="Which?", shown_if=diet.pk, shown_if_answer="Other"),
    )
    event.refresh_from_db()
    return event


def question(event, label):
    return event.questions.get(label=label)


@pytest.fixture
def attendee(client):
    user = UserFactory(name="Ada")
    client.force_login(user)
    return user


def test_register_opens_the_questions(client, attendee, event):
    html = client.get(url("register", event), headers=HX).content.decode()
    assert "Before you register" in html
    assert "<legend>Diet (required)</legend>" in html
    assert 'type="radio" name="q_' in html
    assert f'data-shown-if="q_{question(event, "Diet").pk}" data-shown-if-answer="Other"' in html
    assert "Only if you answered “Other” to “Diet”." in html


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_answers_register_in_one_go(client, attendee, event, headers):
    diet, which = question(event, "Diet"), question(event, "Which?")
    data = {"fragment": "panel", f"q_{diet.pk}": "Other", f"q_{which.pk}": "Halal"}
    response = client.post(url("register", event), data, headers=headers)
    assert response.status_code in (200, 302)
    registration = event.registrations.get()
    answers = dict(registration.answers.values_list("question__label", "text"))
    assert answers == {"Diet": "Other", "Which?": "Halal"}


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_a_missing_or_misplaced_answer_shows_on_its_question(client, attendee, event, headers):
    diet, which = question(event, "Diet"), question(event, "Which?")
    response = client.post(url("register", event), {"fragment": "panel"}, headers=headers)
    assert response.status_code == 422
    assert "This question needs an answer." in response.content.decode()
    data = {"fragment": "panel", f"q_{diet.pk}": "Vegan", f"q_{which.pk}": "Halal"}
    response = client.post(url("register", event), data, headers=headers)
    assert response.status_code == 422
    assert "only asked when “Diet” is “Other”" in response.content.decode()
    assert not event.registrations.exists()


def test_a_one_click_post_still_gets_the_questions(client, attendee, event):
    response = client.post(url("register", event), {"fragment": "card"}, headers=HX)
    assert response.status_code == 422
    assert "Diet (required)" in response.content.decode()
    assert not event.registrations.exists()


def test_answers_can_be_changed_in_place(client, attendee, event):
    diet, which = question(event, "Diet"), question(event, "Which?")
    services.register(user=attendee, event=event, answers={diet.pk: "Vegan"})
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Change your answers" in page
    form = client.get(url("edit-registration", event), headers=HX).content.decode()
    assert re.search(r'<input type="radio" name="q_\d+" value="Vegan"[^>]* checked>', form)
    data = {"fragment": "panel", f"q_{diet.pk}": "Other", f"q_{which.pk}": "Soy"}
    response = client.post(url("edit-registration", event), data, headers=HX)
    assert response.status_code == 200
    assert toasts(response) == ["Your answers are saved."]
    data[f"q_{diet.pk}"] = "Vegan"
    response = client.post(url("edit-registration", event), data, headers=HX)
    assert response.status_code == 422
    answers = event.registrations.get().answers.values_list("question__label", "text")
    assert dict(answers) == {"Diet": "Other", "Which?": "Soy"}


def toasts(response):
    return [i["text"] for i in json.loads(response["HX-Trigger"])["messages"]["items"]]


@pytest.fixture
def organizer(client, event):
    client.force_login(event.organizer)
    return event.organizer


def test_the_organizer_sees_the_questions_on_the_event_page(client, organizer, event):
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Questions at registration" in html
    assert 'Diet <span class="muted">· One choice · required</span>' in html
    assert f'hx-get="{url("questions", event)}"' in html


def test_adding_a_question_in_place(client, organizer, event):
    data = {"label": "T-shirt size", "kind": "choice", "options": "S\nM\nL", "condition": ""}
    response = client.post(url("questions", event), data, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="questions"')
    assert "<strong>T-shirt size</strong>" in html
    assert toasts(response) == ["Question added."]
    assert [q.label for q in event.questions.asked()] == ["Diet", "Which?", "T-shirt size"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"label": "", "kind": "short_text"}, "This field is required."),
        ({"label": "Pick", "kind": "choice", "options": "Only one"}, "at least two options"),
        ({"label": "Pick", "kind": "magic"}, "Select a valid choice."),
        ({"label": "Pick", "kind": "short_text", "condition": "999:yes"}, "Select a valid choice."),
        ({"label": "x" * 201, "kind": "short_text"}, "at most 200 characters"),
    ],
)
def test_a_bad_question_shows_on_the_form(client, organizer, event, data, error):
    response = client.post(url("questions", event), data, headers=HX)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert event.questions.count() == 2


def test_edit_move_and_remove_in_place(client, organizer, event):
    diet, which = question(event, "Diet"), question(event, "Which?")
    form = client.get(url("question", event, pk=diet.pk), headers=HX).content.decode()
    assert 'value="Diet"' in form and "Save question" in form
    data = {"label": "Food", "kind": "choice", "options": "Vegan\nOther", "required": "on"}
    client.post(url("question", event, pk=diet.pk), data, headers=HX)
    response = client.post(
        url("question-move", event, pk=which.pk), {"direction": "up"}, headers=HX
    )
    assert response.status_code == 422
    assert "stays after it" in toasts(response)[0]
    client.post(url("question-remove", event, pk=which.pk), headers=HX)
    response = client.post(url("question-remove", event, pk=diet.pk), headers=HX)
    assert toasts(response) == ["Question removed."]
    event.refresh_from_db()
    assert not event.asks_questions


def test_without_javascript_the_editor_is_a_page(client, organizer, event):
    page = client.get(url("questions", event))
    assert "<html" in page.content.decode() and "Add a question" in page.content.decode()
    data = {"label": "Company", "kind": "short_text"}
    response = client.post(url("questions", event), data)
    assert (response.status_code, response["Location"]) == (302, url("questions", event))
    assert client.get(url("question-remove", event, pk=1)).status_code == 405


def test_only_the_organizer_edits_questions(client, event):
    client.force_login(UserFactory())
    data = {"label": "Sneaky", "kind": "short_text"}
    assert client.post(url("questions", event), data).status_code == 403
    assert client.get(url("questions", event)).status_code == 403
    assert event.questions.count() == 2


def test_answers_in_the_attendee_list_and_a_column_each_in_the_csv(client, organizer, event):
    diet, which = question(event, "Diet"), question(event, "Which?")
    services.register(
        user=UserFactory(name="Ann"), event=event, answers={diet.pk: "Other", which.pk: "=cmd()"}
    )
    services.remove_question(question=which)
    attendees = reverse("organize:attendees", kwargs={"slug": event.slug})
    html = client.get(attendees).content.decode()
    assert "<dt>Diet</dt><dd>Other</dd>" in html and "<dt>Which?</dt><dd>=cmd()</dd>" in html
    export = reverse("organize:export", kwargs={"slug": event.slug})
    content = b"".join(client.get(export).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][-2:] == ["Diet", "Which? (removed)"]
    assert rows[1][-2:] == ["Other", "'=cmd()"]


def test_the_api_takes_answers_and_names_each_one_at_fault(client, attendee, event):
    diet, which = question(event, "Diet"), question(event, "Which?")
    api = f"/api/events/{event.slug}/registration/"
    bad = {"answers": {str(diet.pk): "Meat", str(which.pk): "x", "999": "?"}}
    response = client.post(api, bad, content_type="application/json")
    assert response.status_code == 422
    # "Which?" is asked only after "Other", so answering it after "Meat" is wrong too.
    fields = {f"answers.{diet.pk}", f"answers.{which.pk}", "answers.999"}
    assert set(response.json()["fields"]) == fields
    good = {"answers": {str(diet.pk): "Other", str(which.pk): "Halal"}}
    response = client.post(api, good, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["answers"] == {str(diet.pk): "Other", str(which.pk): "Halal"}
    response = client.patch(
        api, {"answers": {str(diet.pk): "Vegan"}}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["answers"] == {str(diet.pk): "Vegan"}


def test_one_click_registration_without_questions_stays_within_12_queries(
    client, attendee, django_assert_max_num_queries
):
    plain = EventFactory(capacity=5)
    with django_assert_max_num_queries(12):
        response = client.post(url("register", plain), {"fragment": "panel"}, headers=HX)
    assert response.status_code == 200
    assert not re.search("Before you register", response.content.decode())


def test_a_refused_change_comes_back_as_the_same_change_form(client, attendee, event):
    diet = question(event, "Diet")
    services.register(user=attendee, event=event, answers={diet.pk: "Vegan"})
    response = client.post(url("edit-registration", event), {"fragment": "panel"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 422
    assert f'hx-post="{url("edit-registration", event)}"' in html
    assert ">Save</button>" in html
