"""The timeline reads as sentences in the user's language: every event type, every optional
field, in Dutch and English, without booleans, codes or ISO dates (issue 27, point 3)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from terugkeer.domain.events import EventType
from terugkeer.domain.narrative import describe, late_by
from terugkeer.web.i18n import Formats

#: Every type with all its fields (EVENTS.md), the optional ones too.
SAMPLES: dict[str, list[dict[str, object]]] = {
    "intake": [{"nationality": "MAR", "track": "illegal_stay", "birth_date": "1990-05-01",
                "sex": "F", "family": "fam-7", "unaccompanied_minor": True}],
    "interview": [{"kind": "first", "stance": "not_cooperating", "interpreter_language": "Arabic"},
                  {"kind": "follow_up", "stance": "cooperating"}],
    "location_changed": [{"kind": "emergency_reception", "name": "Ter Apel"}, {"kind": "unknown"}],
    "procedure_started": [{"reference": "P-1", "kind": "medical_postponement", "suspensive": True},
                          {"reference": "P-2", "kind": "asylum_repeat", "suspensive": False}],
    "procedure_decided": [{"reference": "P-1", "outcome": "inadmissible"}],
    "return_decision": [{"departure_term_days": 28, "entry_ban_years": 2},
                        {"departure_term_days": 1}, {"departure_term_days": 0}],
    "document_requested": [{"reference": "R-12", "kind": "nationality_determination",
                            "country": "MAR"}],
    "document_answered": [{"reference": "R-12", "result": "not_national"}],
    "travel_document_valid": [{"kind": "laissez_passer", "valid_until": "2024-03-31"}],
    "detention_started": [{"ground": "vw59a", "location": "Rotterdam"}],
    "detention_ended": [{"reason": "released_no_prospect"}],
    "dublin_claim": [{"member_state": "DEU", "kind": "take_charge"},
                     {"member_state": "DEU", "kind": "take_back"}],
    "dublin_accepted": [{"member_state": "DEU", "implicit": True},
                        {"member_state": "DEU", "implicit": False}],
    "dublin_refused": [{"member_state": "BEL"}],
    "support_granted": [{"kind": "ukraine_third_country", "amount_eur": 1500.0,
                         "provider": "IOM"}],
    "flight_booked": [{"reference": "KL1234", "date": "2024-03-14", "destination": "MAR",
                       "escort": "kmar"}],
    "flight_cancelled": [{"reference": "KL1234", "reason": "refused_boarding"}],
    "departed": [{"mode": "forced", "destination": "MAR", "dublin_transfer": True,
                  "evidence": "kmar_exit_check"},
                 {"mode": "independent", "destination": "MAR", "evidence": "iom_confirmation"}],
    "absconded": [{"last_known_location": "Amsterdam"}],
    "exit_without_departure": [{"reason": "residence_permit", "detail": "art. 8 ECHR"}],
    "retracted": [{"event_id": "dtenv-1", "reason": "entered_in_error"}],
}  # fmt: skip
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # take_charge, not_cooperating, ...
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _shown(language: str, type_: str, source: str, data: dict[str, object]) -> str:
    f = Formats(language)
    return "; ".join(f.say(m) for m in describe(type_, source, data))


def test_every_event_type_has_a_sample() -> None:
    assert set(SAMPLES) == {t.value for t in EventType}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("type_", sorted(SAMPLES))
def test_every_event_type_reads_as_a_sentence(language: str, type_: str) -> None:
    for data in SAMPLES[type_]:
        text = _shown(language, type_, "KMAR", data)
        assert "True" not in text and "False" not in text, text
        assert not ISO_DATE.search(text), text
        assert not CODE.search(text), text
        assert "%(" not in text and "KMAR" not in text and "KMar" in text, text


def test_the_examples_of_the_issue() -> None:
    data = {"departure_term_days": 28}
    assert _shown("en", "return_decision", "IND", data) == (
        "IND: return decision, departure term 28 days"
    )
    booked = {"reference": "KL1234", "date": "2024-03-14", "destination": "MAR", "escort": "kmar"}
    assert _shown("en", "flight_booked", "KMAR", booked) == (
        "KMar booked flight KL1234 to Morocco on 14 March 2024; escorted by KMar"
    )
    assert _shown("nl", "flight_booked", "KMAR", booked).startswith(
        "KMar boekte vlucht KL1234 naar Marokko op 14 maart 2024"
    )
    assert _shown("nl", "return_decision", "IND", {"departure_term_days": 1}).endswith("1 dag")


def test_late_says_how_late() -> None:
    happened = datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert late_by(happened, datetime(2024, 3, 2, 9, tzinfo=UTC)) is None  # within a day
    three = late_by(happened, datetime(2024, 3, 4, 11, tzinfo=UTC))
    assert three is not None
    assert Formats("en").say(three) == "recorded 3 days after it happened"
    assert Formats("nl").say(three) == "3 dagen na het gebeuren vastgelegd"
