"""Each event of a timeline as a sentence a case director reads: who reported what, built from
the event's data ("IND: return decision, departure term 28 days"; "KMar booked flight KL1234 to
Morocco on 14 March 2024"). A `Message`, so a page shows it in its language: no booleans, codes
or ISO dates reach the reader.

`describe` gives the sentence and its additions (an entry ban, an interpreter, an amount),
which a page joins; `late_by` says how late an entry was recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from terugkeer.domain.messages import Amount, Code, Country, Message, say

Data = Mapping[str, Any]
#: An entry recorded more than this after it happened is late (services/workplace.py).
LATE = timedelta(days=1)


def describe(type_: str, source: str, data: Data) -> tuple[Message, ...]:
    """The sentence of an event of `type_` reported by `source`, then its additions."""
    sender = Code(source)
    build = _SENTENCES.get(type_)
    if build is None:  # a type added to the format later: its name, never its raw data
        return (say("%(source)s: %(type)s", source=sender, type=Code(type_)),)
    return build(sender, data)


def late_by(occurred_at: datetime, recorded_at: datetime) -> Message | None:
    """How late an entry was recorded, when it was (more than a day after it happened)."""
    gap = recorded_at - occurred_at
    if gap <= LATE:
        return None
    if gap.days == 1:
        return say("recorded 1 day after it happened")
    return say("recorded %(days)s days after it happened", days=gap.days)


def assignment(by: str | None, director: str) -> Message:
    """The timeline entry of an assignment (not an event: the agency's own bookkeeping)."""
    if by:
        return say("%(by)s assigned the case to case director %(director)s", by=by,
                   director=director)  # fmt: skip
    return say("the case was assigned to case director %(director)s", director=director)


def days(count: int) -> Message:
    """A number of days, singular or plural ("1 day", "28 days")."""
    return say("1 day") if count == 1 else say("%(n)s days", n=count)


def _years(count: int) -> Message:
    return say("1 year") if count == 1 else say("%(n)s years", n=count)


def _day(value: object) -> date | str:
    """A YYYY-MM-DD of the data as a date (shown in the page's language)."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def detention_ground(value: object) -> Message | str:
    """A detention ground as the law names it: `vw59a` is article 59a of the Aliens Act."""
    found = re.fullmatch(r"vw\s*(\d+[a-z]?)", str(value).strip().lower())
    if found:
        return say("art. %(article)s Aliens Act 2000", article=found.group(1))
    return str(value)


def _intake(source: Code, data: Data) -> tuple[Message, ...]:
    main = say(
        "%(source)s opened the case: %(track)s track, nationality %(nationality)s",
        source=source, track=Code(str(data["track"])),
        nationality=Country(str(data["nationality"])),
    )  # fmt: skip
    more = []
    if data.get("unaccompanied_minor") is True:
        more.append(say("unaccompanied minor"))
    if data.get("family"):
        more.append(say("member of family %(family)s", family=str(data["family"])))
    if data.get("birth_date"):
        more.append(say("born %(day)s", day=_day(data["birth_date"])))
    sex = {"F": say("female"), "M": say("male"), "X": say("sex not specified (X)")}
    if data.get("sex") in sex:
        more.append(sex[data["sex"]])
    return (main, *more)


def _interview(source: Code, data: Data) -> tuple[Message, ...]:
    stance = Code(str(data["stance"]))
    if data["kind"] == "first":
        main = say("%(source)s: first departure interview; stance: %(stance)s", source=source,
                   stance=stance)  # fmt: skip
    else:
        main = say("%(source)s: follow-up departure interview; stance: %(stance)s",
                   source=source, stance=stance)  # fmt: skip
    if data.get("interpreter_language"):
        language = str(data["interpreter_language"])
        return (main, say("with an interpreter (%(language)s)", language=language))
    return (main,)


def _location_changed(source: Code, data: Data) -> tuple[Message, ...]:
    if data["kind"] == "unknown":
        main = say("%(source)s: whereabouts unknown", source=source)
    else:
        main = say("%(source)s: now staying at: %(kind)s", source=source,
                   kind=Code(str(data["kind"])))  # fmt: skip
    if data.get("name"):
        return (main, say("location: %(name)s", name=str(data["name"])))
    return (main,)


def _procedure_started(source: Code, data: Data) -> tuple[Message, ...]:
    kind, reference = Code(str(data["kind"])), str(data["reference"])
    if data["suspensive"] is True:
        return (say("%(source)s: procedure %(reference)s started (%(kind)s); it suspends "
                    "removal", source=source, reference=reference, kind=kind),)  # fmt: skip
    return (say("%(source)s: procedure %(reference)s started (%(kind)s); it does not suspend "
                "removal", source=source, reference=reference, kind=kind),)  # fmt: skip


def _procedure_decided(source: Code, data: Data) -> tuple[Message, ...]:
    return (say("%(source)s: decision on procedure %(reference)s: %(outcome)s", source=source,
                reference=str(data["reference"]), outcome=Code(str(data["outcome"]))),)  # fmt: skip


def _return_decision(source: Code, data: Data) -> tuple[Message, ...]:
    term = int(data["departure_term_days"])
    if term == 0:
        main = say("%(source)s: return decision, without a departure term", source=source)
    else:
        main = say("%(source)s: return decision, departure term %(term)s", source=source,
                   term=days(term))  # fmt: skip
    ban = data.get("entry_ban_years")
    if isinstance(ban, int) and ban > 0:
        return (main, say("entry ban of %(years)s", years=_years(ban)))
    return (main,)


def _document_requested(source: Code, data: Data) -> tuple[Message, ...]:
    return (say(
        "%(source)s requested a %(kind)s from %(country)s (reference %(reference)s)",
        source=source, kind=Code(str(data["kind"])), country=Country(str(data["country"])),
        reference=str(data["reference"]),
    ),)  # fmt: skip


def _document_answered(source: Code, data: Data) -> tuple[Message, ...]:
    return (say("%(source)s: answer to request %(reference)s: %(result)s", source=source,
                reference=str(data["reference"]), result=Code(str(data["result"]))),)  # fmt: skip


def _travel_document_valid(source: Code, data: Data) -> tuple[Message, ...]:
    return (say("%(source)s: %(kind)s valid until %(day)s", source=source,
                kind=Code(str(data["kind"])), day=_day(data["valid_until"])),)  # fmt: skip


def _detention_started(source: Code, data: Data) -> tuple[Message, ...]:
    main = say("%(source)s: placed in detention (ground: %(ground)s)", source=source,
               ground=detention_ground(data["ground"]))  # fmt: skip
    if data.get("location"):
        return (main, say("at %(location)s", location=str(data["location"])))
    return (main,)


def _detention_ended(source: Code, data: Data) -> tuple[Message, ...]:
    return (say("%(source)s: detention ended (%(reason)s)", source=source,
                reason=Code(str(data["reason"]))),)  # fmt: skip


def _dublin_claim(source: Code, data: Data) -> tuple[Message, ...]:
    state = Country(str(data["member_state"]))
    if data["kind"] == "take_charge":
        return (say("%(source)s: Dublin take-charge request to %(member_state)s", source=source,
                    member_state=state),)  # fmt: skip
    return (say("%(source)s: Dublin take-back request to %(member_state)s", source=source,
                member_state=state),)  # fmt: skip


def _dublin_accepted(source: Code, data: Data) -> tuple[Message, ...]:
    state = Country(str(data["member_state"]))
    if data["implicit"] is True:
        return (say("%(source)s: %(member_state)s accepted the Dublin claim by not replying in "
                    "time", source=source, member_state=state),)  # fmt: skip
    return (say("%(source)s: %(member_state)s accepted the Dublin claim", source=source,
                member_state=state),)  # fmt: skip


def _dublin_refused(source: Code, data: Data) -> tuple[Message, ...]:
    return (say("%(source)s: %(member_state)s refused the Dublin claim", source=source,
                member_state=Country(str(data["member_state"]))),)  # fmt: skip


def _support_granted(source: Code, data: Data) -> tuple[Message, ...]:
    main = say("%(source)s granted support: %(kind)s", source=source,
               kind=Code(str(data["kind"])))  # fmt: skip
    more = []
    amount = data.get("amount_eur")
    if isinstance(amount, int | float) and not isinstance(amount, bool):
        more.append(say("amount %(amount)s", amount=Amount(float(amount))))
    if data.get("provider"):
        more.append(say("provided by %(provider)s", provider=str(data["provider"])))
    return (main, *more)


def _flight_booked(source: Code, data: Data) -> tuple[Message, ...]:
    main = say(
        "%(source)s booked flight %(reference)s to %(destination)s on %(day)s", source=source,
        reference=str(data["reference"]), destination=Country(str(data["destination"])),
        day=_day(data["date"]),
    )  # fmt: skip
    escort = {"none": say("without escort"), "kmar": say("escorted by KMar"),
              "medical": say("with a medical escort")}  # fmt: skip
    return (main, escort[data["escort"]]) if data.get("escort") in escort else (main,)


def _flight_cancelled(source: Code, data: Data) -> tuple[Message, ...]:
    return (say("%(source)s cancelled flight %(reference)s (%(reason)s)", source=source,
                reference=str(data["reference"]), reason=Code(str(data["reason"]))),)  # fmt: skip


def _departed(source: Code, data: Data) -> tuple[Message, ...]:
    destination = Country(str(data["destination"]))
    if data["mode"] == "forced":
        main = say("%(source)s: removed to %(destination)s", source=source,
                   destination=destination)  # fmt: skip
    else:
        main = say("%(source)s: left independently for %(destination)s", source=source,
                   destination=destination)  # fmt: skip
    more = [say("evidence: %(evidence)s", evidence=Code(str(data["evidence"])))]
    if data.get("dublin_transfer") is True:
        more.append(say("a Dublin transfer"))
    return (main, *more)


def _absconded(source: Code, data: Data) -> tuple[Message, ...]:
    main = say("%(source)s: left for an unknown destination; the case is closed", source=source)
    if data.get("last_known_location"):
        place = str(data["last_known_location"])
        return (main, say("last known at %(place)s", place=place))
    return (main,)


def _exit_without_departure(source: Code, data: Data) -> tuple[Message, ...]:
    main = say("%(source)s: the case closed without departure (%(reason)s)", source=source,
               reason=Code(str(data["reason"])))  # fmt: skip
    if data.get("detail"):
        return (main, say("note: %(detail)s", detail=str(data["detail"])))
    return (main,)


def _retracted(source: Code, data: Data) -> tuple[Message, ...]:
    return (say("%(source)s withdrew an earlier entry (%(reason)s)", source=source,
                reason=Code(str(data["reason"]))),)  # fmt: skip


_SENTENCES: Mapping[str, Callable[[Code, Data], tuple[Message, ...]]] = {
    "intake": _intake,
    "interview": _interview,
    "location_changed": _location_changed,
    "procedure_started": _procedure_started,
    "procedure_decided": _procedure_decided,
    "return_decision": _return_decision,
    "document_requested": _document_requested,
    "document_answered": _document_answered,
    "travel_document_valid": _travel_document_valid,
    "detention_started": _detention_started,
    "detention_ended": _detention_ended,
    "dublin_claim": _dublin_claim,
    "dublin_accepted": _dublin_accepted,
    "dublin_refused": _dublin_refused,
    "support_granted": _support_granted,
    "flight_booked": _flight_booked,
    "flight_cancelled": _flight_cancelled,
    "departed": _departed,
    "absconded": _absconded,
    "exit_without_departure": _exit_without_departure,
    "retracted": _retracted,
}
