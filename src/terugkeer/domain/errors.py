"""Named domain errors: why an event cannot be placed in a person's case history (EVENTS.md)."""

from __future__ import annotations

from terugkeer.domain.messages import Message


class EventRejectedError(ValueError):
    """An event that is well-formed but does not fit the person's history. `message` is the
    English sentence of the contract; `sentence` the same, for a page to translate."""

    def __init__(self, sentence: Message, *, sender_only: bool = False) -> None:
        super().__init__(str(sentence))
        self.sentence = sentence
        self.message = str(sentence)
        #: The sentence depends only on the sender's own stored events (EVENTS.md, "Reach": a
        #: partner may hear it whoever the person is).
        self.sender_only = sender_only


class NoOpenCaseError(EventRejectedError):
    """The person has no open case (departure procedure) at the event's moment."""


class BeforeIntakeError(EventRejectedError):
    """The event would land before the intake of the person's first case."""


class AfterClosingError(EventRejectedError):
    """The event would land after the closing event of its case."""


class CaseAlreadyOpenError(EventRejectedError):
    """An intake while a case is open, or dated before an existing case."""


class LateClosingError(EventRejectedError):
    """A closing event dated before events already stored for the same case."""


class CaseAlreadyClosedError(EventRejectedError):
    """A second closing event for a case that is already closed."""


class UnknownReferenceError(EventRejectedError):
    """`data.reference` does not name an earlier-received event of the person."""


class ProcedurePendingError(EventRejectedError):
    """A `procedure_started` whose reference names a procedure of the person still pending."""


class RetractionError(EventRejectedError):
    """A `retracted` event that cannot withdraw what it names (EVENTS.md, Corrections)."""


class UnknownEventError(RetractionError):
    """No stored event of the retraction's source and person has the id it names."""


class AlreadyWithdrawnError(RetractionError):
    """The named event is a retraction, or was withdrawn already."""


class DependantsError(RetractionError):
    """Later events that are not withdrawn rely on the named event: they go first."""


class LaterCaseError(RetractionError):
    """Withdrawing a closing event would reopen a case while a later case of the person exists."""
