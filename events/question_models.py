"""Questions an organizer asks at registration, and each registration's answers.

Imported by events.models, so they are models of the events app."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .text import MultiLineTextField, OneLineCharField

# Enough for a real registration form; few enough that it stays a short form.
QUESTIONS_MAX = 20
OPTIONS_MAX = 20
OPTION_MAX = 100
LABEL_MAX = 200
HELP_MAX = 300
SHORT_ANSWER_MAX = 200
LONG_ANSWER_MAX = 2_000
# The longest stored answer: a long text, or every option of several choices, a line each.
ANSWER_MAX = max(LONG_ANSWER_MAX, OPTIONS_MAX * (OPTION_MAX + 1))
YES, NO = "yes", "no"


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", gettext_lazy("Short text")
    LONG_TEXT = "long_text", gettext_lazy("Long text")
    CHOICE = "choice", gettext_lazy("One choice")
    CHOICES = "choices", gettext_lazy("Several choices")
    YES_NO = "yes_no", gettext_lazy("Yes or no")
    NUMBER = "number", gettext_lazy("Number")


# The kinds whose answer another question can depend on, and that have options.
CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.CHOICES)
CONDITION_KINDS = (*CHOICE_KINDS, QuestionKind.YES_NO)


class QuestionQuerySet(models.QuerySet):
    def asked(self):
        """The questions registering asks now, in their order; removed ones only keep
        their answers readable."""
        return self.filter(removed_at__isnull=True).order_by("position", "pk")


class Question(models.Model):
    Kind = QuestionKind

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=gettext_lazy("event"),
    )
    position = models.PositiveSmallIntegerField(gettext_lazy("position"), default=0)
    kind = models.CharField(gettext_lazy("kind"), max_length=12, choices=QuestionKind.choices)
    label = OneLineCharField(gettext_lazy("question"), max_length=LABEL_MAX)
    help_text = OneLineCharField(gettext_lazy("help text"), max_length=HELP_MAX, blank=True)
    required = models.BooleanField(gettext_lazy("required"), default=False)
    options = models.JSONField(gettext_lazy("options"), default=list, blank=True)
    # Shown only when this earlier question's answer is (or, for several choices,
    # includes) shown_if_answer.
    shown_if = models.ForeignKey(
        "self",
        # Questions are removed softly; only deleting the event deletes them.
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=gettext_lazy("shown if the answer to"),
    )
    shown_if_answer = OneLineCharField(gettext_lazy("is"), max_length=OPTION_MAX, blank=True)
    # Removed questions stay, so answers given to them stay readable.
    removed_at = models.DateTimeField(gettext_lazy("removed at"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = gettext_lazy("question")
        verbose_name_plural = gettext_lazy("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(shown_if=F("pk")), name="question_not_shown_if_itself"
            ),
        ]
        indexes = [models.Index(fields=["event", "position"], name="question_event_order")]

    def __str__(self) -> str:
        return self.label

    def choices(self) -> list[tuple[str, str]]:
        """What an answer may be, as (stored value, label), for the kinds with a fixed
        set. Yes and no are stored in no language, and shown in the reader's."""
        if self.kind == QuestionKind.YES_NO:
            return [(YES, _("Yes")), (NO, _("No"))]
        return [(option, option) for option in self.options]

    def display(self, text: str, labels: dict[str, str] | None = None) -> str:
        """A stored answer as people read it; `labels`, this question's choices()
        as a dict, when they were translated earlier."""
        if self.kind == QuestionKind.YES_NO:
            return (labels or dict(self.choices())).get(text, text)
        return ", ".join(text.splitlines())


class Answer(models.Model):
    registration = models.ForeignKey(
        "events.Registration",
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=gettext_lazy("registration"),
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=gettext_lazy("question"),
    )
    # As the person gave it: the option texts, "yes"/"no", the number, or the text.
    text = MultiLineTextField(gettext_lazy("answer"), max_length=ANSWER_MAX)

    class Meta:
        verbose_name = gettext_lazy("answer")
        verbose_name_plural = gettext_lazy("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="answer_one_per_question"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), ANSWER_MAX),
                name="answer_text_length",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def display(self) -> str:
        return self.question.display(self.text)
