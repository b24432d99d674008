"""The only code that writes events, registrations and seat counts.

Every function is keyword-only and runs in one transaction that locks the event
row first (the only lock taken, so locks cannot be taken out of order). The
registration rows and Event.seats_taken change together, so at every commit

    seats_taken == sum(party_size of confirmed registrations) <= capacity

and the database's check constraint is the last line of defence. Refusals raise a
ServiceError that views turn into a message and a status code. Emails go out only
after commit.
"""

from .approval import Decided, approve, decline
from .errors import (
    AlreadyRegistered,
    EmailNotConfirmed,
    EventFull,
    EventLocked,
    InvalidAnswers,
    InvalidChange,
    NotRegistered,
    RegistrationClosed,
    RegistrationError,
    ServiceError,
)
from .feeds import reset_calendar_feed, start_calendar_feed, stop_calendar_feed
from .organizing import (
    EventUpdate,
    cancel_event,
    check_in,
    create_event,
    delete_draft,
    publish_event,
    unpublish_event,
    update_event,
)
from .party import Party
from .questions import QuestionSpec, add_question, move_question, remove_question, update_question
from .registration import cancel_registration, change_party, register

__all__ = [
    "AlreadyRegistered",
    "Decided",
    "EmailNotConfirmed",
    "EventFull",
    "EventLocked",
    "EventUpdate",
    "InvalidAnswers",
    "InvalidChange",
    "NotRegistered",
    "Party",
    "QuestionSpec",
    "RegistrationClosed",
    "RegistrationError",
    "ServiceError",
    "add_question",
    "approve",
    "cancel_event",
    "cancel_registration",
    "change_party",
    "check_in",
    "create_event",
    "decline",
    "delete_draft",
    "move_question",
    "publish_event",
    "register",
    "remove_question",
    "reset_calendar_feed",
    "start_calendar_feed",
    "stop_calendar_feed",
    "unpublish_event",
    "update_event",
    "update_question",
]
