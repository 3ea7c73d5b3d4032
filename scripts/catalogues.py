"""Refresh the page catalogues: extract the messages of the templates, the domain's
sentences (`say(...)` in src/terugkeer) and the pages' Python (`_(...)` in web/), add the value names shown on pages (roles, tracks,
event types, ...), and keep the translations already made (web/locale/*).

    .venv/bin/python scripts/catalogues.py

A message without a Dutch translation makes the check in tests/unit/web fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).parents[1]
LOCALE = ROOT / "src/terugkeer/web/locale"
#: The marker of a domain sentence (terugkeer.domain.messages.say) and the template gettexts.
KEYWORDS = {"say": None, "_": None, "gettext": None}

#: Values the pages show through gettext (`_(value)`), not found by extraction.
VALUES = (
    "case_director", "team_lead", "analyst", "auditor", "admin", "privacy_officer",
    "asylum", "dublin", "regular", "criminal", "illegal_stay",
    "azc", "family_location", "vbl", "emergency_reception", "detention", "prison", "private",
    "unknown", "cooperating", "not_cooperating",
    "pending", "delivered", "failed",  # webhook deliveries
    "intake", "interview", "location_changed", "procedure_started", "procedure_decided",
    "return_decision", "document_requested", "document_answered", "travel_document_valid",
    "detention_started", "detention_ended", "dublin_claim", "dublin_accepted", "dublin_refused",
    "support_granted", "flight_booked", "flight_cancelled", "departed", "absconded",
    "exit_without_departure",
    # form fields and their choices (services/recording.py)
    "amount_eur", "asylum_procedure", "basic_departure", "confirmed", "country", "date",
    "destination", "detail", "document", "dublin_transfer", "embassy_confirmation", "escort",
    "escorted", "evidence", "first", "follow_up", "forced", "independent",
    "interpreter_language", "iom_confirmation", "kind", "kmar", "kmar_exit_check",
    "laissez_passer", "last_known_location", "medical", "medical_escort", "mode", "name",
    "nationality_determination", "none", "not_national", "other", "passport", "procedure",
    "provider", "readmission_request", "reason", "reference", "refused", "refused_boarding",
    "reintegration", "residence_permit", "result", "stance", "ukraine_return",
    "ukraine_third_country", "valid_until", "withdrawn", "assignment", "director",
    # values named in the domain's sentences (terugkeer.domain.messages.Code and FieldPath)
    "asylum_repeat", "appeal", "medical_postponement", "removed", "released_by_court",
    "released_no_prospect", "maximum_term", "take_charge", "take_back", "rejected", "granted",
    "inadmissible", "occurred_at", "line", "data", "id", "type", "v_number", "source",
    "member_state", "claim_kind", "ground", "outcome", "suspensive", "track", "birth_date", "sex",
    "family", "unaccompanied_minor", "nationality",
    "departure_term_days", "entry_ban_years", "implicit", "location",
    # corrections (v1.1)
    "retracted", "event_id", "entered_in_error", "wrong_person", "duplicate",
    # the senders of events, as the timeline's sentences name them (domain/narrative.py)
    "IND", "COA", "DJI", "KMAR", "POLITIE", "IOM", "DTENV", "NGO", "GEMEENTE",
)  # fmt: skip


#: English names of those values (the Dutch ones are in the nl catalogue).
ENGLISH = {
    "case_director": "case director",
    "privacy_officer": "privacy officer",
    "retracted": "retraction",
    "event_id": "event",
    "entered_in_error": "entered in error",
    "wrong_person": "wrong person",
    "team_lead": "team lead",
    "illegal_stay": "illegal stay",
    "azc": "asylum reception centre",
    "family_location": "family location",
    "vbl": "restricted-freedom location",
    "emergency_reception": "emergency reception",
    "private": "private address",
    "not_cooperating": "not cooperating",
    "location_changed": "location changed",
    "procedure_started": "procedure started",
    "procedure_decided": "procedure decided",
    "return_decision": "return decision",
    "document_requested": "document requested",
    "document_answered": "document answered",
    "travel_document_valid": "valid travel document",
    "detention_started": "detention started",
    "detention_ended": "detention ended",
    "dublin_claim": "Dublin claim",
    "dublin_accepted": "Dublin claim accepted",
    "dublin_refused": "Dublin claim refused",
    "support_granted": "support granted",
    "flight_booked": "flight booked",
    "flight_cancelled": "flight cancelled",
    "exit_without_departure": "exit without departure",
    "dublin": "Dublin",
    "amount_eur": "amount (EUR)",
    "asylum_procedure": "asylum procedure",
    "basic_departure": "basic departure support",
    "dublin_transfer": "Dublin transfer",
    "embassy_confirmation": "embassy confirmation",
    "follow_up": "follow-up",
    "interpreter_language": "interpreter language",
    "iom_confirmation": "IOM confirmation",
    "kmar": "KMar",
    "kmar_exit_check": "KMar exit check",
    "laissez_passer": "laissez-passer",
    "last_known_location": "last known location",
    "medical_escort": "medical escort",
    "nationality_determination": "nationality determination",
    "not_national": "not a national",
    "readmission_request": "readmission request",
    "refused_boarding": "refused boarding",
    "residence_permit": "residence permit",
    "ukraine_return": "return to Ukraine",
    "ukraine_third_country": "Ukraine, third country",
    "valid_until": "valid until",
    "departure_term_days": "departure term (days)",
    "entry_ban_years": "entry ban (years)",
    "implicit": "implicit (no reply in time)",
    "KMAR": "KMar",
    "POLITIE": "Police",
    "DTENV": "DTenV",
    "GEMEENTE": "the municipality",
}


def extracted() -> Iterator[tuple[str, str]]:
    """(msgid, where) of every message in the templates and the package's sentences."""
    templates = ROOT / "src/terugkeer/web/templates"
    html = {"**.html": {"extensions": "jinja2.ext.i18n"}}
    for _, _, message, *_ in extract_from_dir(
        templates, [("**.html", "jinja2")], options_map=html, keywords=KEYWORDS
    ):
        yield (message if isinstance(message, str) else message[0]), "templates"
    package = ROOT / "src/terugkeer"
    for _, _, message, *_ in extract_from_dir(
        package, [("**.py", "python")], keywords={"say": None}
    ):
        yield (message if isinstance(message, str) else message[0]), "src"
    # The pages' own Python (web/): messages marked `_(...)` with the request's gettext.
    for _, _, message, *_ in extract_from_dir(
        package / "web", [("**.py", "python")], keywords={"_": None}
    ):
        yield (message if isinstance(message, str) else message[0]), "web"


def main() -> None:
    ids = list(dict.fromkeys([message for message, _ in extracted()] + list(VALUES)))
    template = Catalog(project="terugkeer", fuzzy=False)
    for message_id in ids:
        template.add(message_id)
    with (LOCALE / "messages.pot").open("wb") as stream:
        write_po(stream, template, omit_header=False, sort_output=True)
    for language in ("nl", "en"):
        path = LOCALE / f"{language}/LC_MESSAGES/messages.po"
        with path.open("rb") as stream:
            known = read_po(stream, locale=language)
        catalog = Catalog(locale=language, project="terugkeer", fuzzy=False)
        for message_id in ids:
            found = known.get(message_id)
            default = ENGLISH.get(message_id, "") if language == "en" else ""
            catalog.add(message_id, found.string if found and found.string else default)
        with path.open("wb") as stream:
            write_po(stream, catalog, omit_header=False, sort_output=True)


if __name__ == "__main__":
    main()
