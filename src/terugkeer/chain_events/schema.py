"""The v1 line shape (EVENTS.md, "Encoding" and "Types") as strict pydantic TypedDict schemas.

TypedDicts rather than BaseModels: an optional field must be absent or of its type (no `None`
default to hide behind), and validation builds no model instances. Every field type carries a
`Rule`, the phrase `messages` uses when a value breaks it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, ValidationInfo, with_config
from pydantic.functional_validators import AfterValidator, PlainValidator
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from terugkeer.chain_events import countries
from terugkeer.domain.messages import Message, say


@dataclass(frozen=True, slots=True)
class Rule:
    """What a field's value must be, as the end of a sentence: "must be true or false"."""

    text: Message


#: Error type of the checks below; ctx["problem"] completes the sentence.
PROBLEM = "chain_event_problem"


def problem(text: Message, note: Message | None = None) -> PydanticCustomError:
    return PydanticCustomError(PROBLEM, "{problem}", {"problem": text, "note": note})


ID_PATTERN = r"^[A-Za-z0-9._:-]{1,100}$"
OCCURRED_AT_SHAPE = say("must be a date-time YYYY-MM-DDTHH:MM[:SS[.fraction]] with Z or ±HH:MM")
OCCURRED_AT_FORM = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_LOCAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ONE_DAY = timedelta(hours=24)


def _occurred_at(value: Any, info: ValidationInfo) -> datetime:
    """Context: {"latest": received_at + 24 hours}, the last instant `occurred_at` may name."""
    if type(value) is not str or OCCURRED_AT_FORM.fullmatch(value) is None:
        if type(value) is str and _LOCAL_TIME.fullmatch(value):
            raise problem(say("must have a UTC offset"))
        raise problem(OCCURRED_AT_SHAPE)
    try:
        moment = datetime.fromisoformat(value)
        if moment.year == 1:  # 0001-01-01T00:00+01:00 has no UTC instant in range
            moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise problem(say("is not a valid date-time")) from None
    latest = info.context["latest"] if info.context else None
    if latest is not None and moment > latest:
        raise problem(
            say("is more than 1 day in the future"), say("received %(at)s", at=latest - ONE_DAY)
        )
    return moment


def _date(value: str) -> str:
    if _DATE.fullmatch(value) is None:
        raise problem(say("must be a date YYYY-MM-DD"))
    try:
        date.fromisoformat(value)
    except ValueError:
        raise problem(say("is not a valid date")) from None
    return value


def _code_check(find_problem: Callable[[str], Message | None]) -> AfterValidator:
    def check(value: str) -> str:
        text = find_problem(value)
        if text is not None:
            raise problem(text)
        return value

    return AfterValidator(check)


_CODE = Rule(say("must be an ISO 3166-1 alpha-3 code"))

_ID_RULE = Rule(say("must be 1 to 100 characters of A-Z a-z 0-9 . _ : -"))
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN), _ID_RULE]
VNumber = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{10}$"), Rule(say("must be exactly 10 digits"))
]
OccurredAt = Annotated[datetime, PlainValidator(_occurred_at), Rule(OCCURRED_AT_SHAPE)]
Text = Annotated[str, StringConstraints(min_length=1), Rule(say("must be a non-empty string"))]
Flag = Annotated[bool, Rule(say("must be true or false"))]
Day = Annotated[str, AfterValidator(_date), Rule(say("must be a date YYYY-MM-DD"))]
Nationality = Annotated[str, _code_check(countries.nationality_problem), _CODE]
Country = Annotated[str, _code_check(countries.country_problem), _CODE]
MemberState = Annotated[str, _code_check(countries.member_state_problem), _CODE]
TermDays = Annotated[int, Field(ge=0, le=30), Rule(say("must be an integer from 0 to 30"))]
BanYears = Annotated[int, Field(ge=0, le=20), Rule(say("must be an integer from 0 to 20"))]
_AMOUNT_RULE = Rule(say("must be a finite number of at least 0"))
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False), _AMOUNT_RULE]

TypeName = Literal[
    "intake", "interview", "location_changed", "procedure_started", "procedure_decided",
    "return_decision", "document_requested", "document_answered", "travel_document_valid",
    "detention_started", "detention_ended", "dublin_claim", "dublin_accepted", "dublin_refused",
    "support_granted", "flight_booked", "flight_cancelled", "departed", "absconded",
    "exit_without_departure", "retracted",
]  # fmt: skip
Source = Literal["IND", "COA", "DJI", "KMAR", "POLITIE", "IOM", "DTENV", "NGO", "GEMEENTE"]

STRICT = ConfigDict(extra="forbid", strict=True)


@with_config(STRICT)
class Envelope(TypedDict):
    id: Id
    type: TypeName
    v_number: VNumber
    occurred_at: OccurredAt
    source: Source
    data: Annotated[dict[str, Any], Rule(say("must be an object"))]


ENVELOPE: TypeAdapter[Envelope] = TypeAdapter(Envelope)


# --- data, per type (field order as in the Types table: it decides which error is reported) ---


@with_config(STRICT)
class IntakeData(TypedDict):
    nationality: Nationality
    track: Literal["asylum", "dublin", "regular", "criminal", "illegal_stay"]
    birth_date: NotRequired[Day]
    sex: NotRequired[Literal["F", "M", "X"]]
    family: NotRequired[Text]
    unaccompanied_minor: NotRequired[Flag]


@with_config(STRICT)
class InterviewData(TypedDict):
    kind: Literal["first", "follow_up"]
    stance: Literal["cooperating", "not_cooperating"]
    interpreter_language: NotRequired[Text]


@with_config(STRICT)
class LocationChangedData(TypedDict):
    kind: Literal[
        "azc", "family_location", "vbl", "emergency_reception", "detention", "prison", "private",
        "unknown",
    ]  # fmt: skip
    name: NotRequired[Text]


@with_config(STRICT)
class ProcedureStartedData(TypedDict):
    reference: Text
    kind: Literal["asylum", "asylum_repeat", "regular", "appeal", "medical_postponement", "other"]
    suspensive: Flag


@with_config(STRICT)
class ProcedureDecidedData(TypedDict):
    reference: Text
    outcome: Literal["rejected", "granted", "withdrawn", "inadmissible"]


@with_config(STRICT)
class ReturnDecisionData(TypedDict):
    departure_term_days: TermDays
    entry_ban_years: NotRequired[BanYears]


@with_config(STRICT)
class DocumentRequestedData(TypedDict):
    reference: Text
    kind: Literal["nationality_determination", "laissez_passer", "readmission_request"]
    country: Country


@with_config(STRICT)
class DocumentAnsweredData(TypedDict):
    reference: Text
    result: Literal["confirmed", "not_national", "refused", "withdrawn"]


@with_config(STRICT)
class TravelDocumentValidData(TypedDict):
    kind: Literal["passport", "laissez_passer", "other"]
    valid_until: Day


@with_config(STRICT)
class DetentionStartedData(TypedDict):
    ground: Text
    location: NotRequired[Text]


@with_config(STRICT)
class DetentionEndedData(TypedDict):
    reason: Literal["removed", "released_by_court", "released_no_prospect", "maximum_term", "other"]


@with_config(STRICT)
class DublinClaimData(TypedDict):
    member_state: MemberState
    kind: Literal["take_charge", "take_back"]


@with_config(STRICT)
class DublinAcceptedData(TypedDict):
    member_state: MemberState
    implicit: Flag


@with_config(STRICT)
class DublinRefusedData(TypedDict):
    member_state: MemberState


@with_config(STRICT)
class SupportGrantedData(TypedDict):
    kind: Literal[
        "basic_departure", "reintegration", "ukraine_return", "ukraine_third_country",
        "medical_escort",
    ]  # fmt: skip
    amount_eur: NotRequired[Amount]
    provider: NotRequired[Text]


@with_config(STRICT)
class FlightBookedData(TypedDict):
    reference: Text
    date: Day
    destination: Country
    escort: Literal["none", "kmar", "medical"]


@with_config(STRICT)
class FlightCancelledData(TypedDict):
    reference: Text
    reason: Literal["refused_boarding", "procedure", "document", "medical", "absconded", "other"]


@with_config(STRICT)
class DepartedData(TypedDict):
    mode: Literal["independent", "forced"]
    destination: Country
    dublin_transfer: NotRequired[Flag]
    evidence: Literal[
        "kmar_exit_check", "iom_confirmation", "embassy_confirmation", "escorted", "other"
    ]


@with_config(STRICT)
class AbscondedData(TypedDict):
    last_known_location: NotRequired[Text]


@with_config(STRICT)
class ExitWithoutDepartureData(TypedDict):
    reason: Literal["asylum_procedure", "residence_permit", "other"]
    detail: NotRequired[Text]


@with_config(STRICT)
class RetractedData(TypedDict):
    event_id: Id
    reason: Literal["entered_in_error", "wrong_person", "duplicate", "other"]


#: The `data` schema of each type, keyed by the type's name.
DATA_SCHEMAS: dict[str, type] = {
    "intake": IntakeData,
    "interview": InterviewData,
    "location_changed": LocationChangedData,
    "procedure_started": ProcedureStartedData,
    "procedure_decided": ProcedureDecidedData,
    "return_decision": ReturnDecisionData,
    "document_requested": DocumentRequestedData,
    "document_answered": DocumentAnsweredData,
    "travel_document_valid": TravelDocumentValidData,
    "detention_started": DetentionStartedData,
    "detention_ended": DetentionEndedData,
    "dublin_claim": DublinClaimData,
    "dublin_accepted": DublinAcceptedData,
    "dublin_refused": DublinRefusedData,
    "support_granted": SupportGrantedData,
    "flight_booked": FlightBookedData,
    "flight_cancelled": FlightCancelledData,
    "departed": DepartedData,
    "absconded": AbscondedData,
    "exit_without_departure": ExitWithoutDepartureData,
    "retracted": RetractedData,
}
DATA_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(schema) for name, schema in DATA_SCHEMAS.items()
}
