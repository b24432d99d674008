"""The organizer's questions, edited in place on the event page (htmx) or on their
own page (without JavaScript). Every change answers with the editor as it is now."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import services
from ..party_form import focus_first_error
from ..question_form import QuestionForm
from .mixins import OrganizerEventMixin

TEMPLATE = "events/questions.html"


class QuestionsView(OrganizerEventMixin, View):
    """GET the editor (or, with `done`, the summary the event page shows); POST adds
    a question."""

    def get(self, request, slug):
        if request.htmx and "done" in request.GET:
            return self.render("summary")
        return self.render()

    def post(self, request, slug):
        form = QuestionForm(request.POST, earlier=self.asked())
        if self.valid(form) and self.perform(form, services.add_question, event=self.event):
            messages.success(request, _("Question added."))
            return self.done()
        return self.render(form=form, status=422)

    def asked(self):
        return list(self.event.questions.asked())

    def perform(self, form, action, **target) -> bool:
        """Run the service; False with the refusal shown on the form."""
        try:
            action(spec=form.spec(), **target)
        except services.ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            focus_first_error(form)
            return False
        return True

    def valid(self, form) -> bool:
        if form.is_valid():
            return True
        focus_first_error(form)
        return False

    def done(self):
        if self.request.htmx:
            return self.render()
        return redirect(reverse("events:questions", kwargs={"slug": self.event.slug}))

    def render(self, part: str = "editor", status: int = 200, form=None, editing=None):
        asked = self.asked()
        context = {
            "event": self.event,
            "questions": asked,
            "form": form or QuestionForm(earlier=asked),
            "editing": editing,
        }
        template = f"{TEMPLATE}#{part}" if self.request.htmx else TEMPLATE
        return TemplateResponse(self.request, template, context, status=status)


class QuestionView(QuestionsView):
    """One question: GET opens its form in the editor, POST saves it, and the
    `action` URLs remove it or move it up or down."""

    action = None  # "remove" or "move"; their URLs take POST only

    def question(self, pk):
        return get_object_or_404(self.event.questions.asked(), pk=pk)

    def get(self, request, slug, pk):
        question = self.question(pk)
        return self.render(editing=(question, self.edit_form(question)))

    def edit_form(self, question, data=None):
        asked = self.asked()
        earlier = asked[: asked.index(question)]
        return QuestionForm(data, earlier=earlier, question=question)

    def post(self, request, slug, pk):
        question = self.question(pk)
        if self.action == "remove":
            return self.change(services.remove_question, question, _("Question removed."))
        if self.action == "move":
            up = request.POST.get("direction") != "down"
            return self.change(services.move_question, question, "", up=up)
        form = self.edit_form(question, request.POST)
        if self.valid(form) and self.perform(form, services.update_question, question=question):
            messages.success(request, _("Question saved."))
            return self.done()
        return self.render(editing=(question, form), status=422)

    def change(self, action, question, said: str, **options):
        try:
            action(question=question, **options)
        except services.ServiceError as exc:
            messages.error(self.request, exc.message)
            response = self.done()
            response.status_code = exc.status if self.request.htmx else response.status_code
            return response
        if said:
            messages.success(self.request, said)
        return self.done()
