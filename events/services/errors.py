class ServiceError(Exception):
    """A request the rules refuse. `code` names it for the API, `status` for HTTP, and
    `field`, when set, is the form field the message belongs to. A lazy message is
    translated when raised, into the language of the request that raised it."""

    code = "refused"
    status = 409

    def __init__(self, message: str, *, field: str | None = None):
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field


class RegistrationError(ServiceError):
    code = "registration_error"


class RegistrationClosed(RegistrationError):
    code = "registration_closed"


class EventFull(RegistrationError):
    code = "event_full"


class AlreadyRegistered(RegistrationError):
    code = "already_registered"


class NotRegistered(RegistrationError):
    code = "not_registered"
    status = 404


class EventLocked(ServiceError):
    """The event's state (cancelled, started) no longer allows this change."""

    code = "event_locked"


class InvalidChange(ServiceError):
    """The change would break a rule about seats or status; the message says which."""

    code = "invalid_change"
    status = 422


class EmailNotConfirmed(RegistrationError):
    """The account's email address isn't confirmed yet: no registering, no organizing."""

    code = "email_not_confirmed"
    status = 403


class InvalidAnswers(InvalidChange):
    """Answers to the event's questions that can't be taken: `errors` holds a message
    for each question at fault, by question id."""

    code = "invalid_answers"

    def __init__(self, errors: dict[int, str]):
        super().__init__(next(iter(errors.values())), field="answers")
        self.errors = errors
