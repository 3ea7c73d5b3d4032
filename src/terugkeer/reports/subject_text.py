"""The words of the subject export's PDF in Dutch and English (the pages use the gettext
catalogues; a PDF made on the command line has no request to negotiate a language with)."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Overzicht van gegevens over één persoon",
        "subtitle": "Recht op inzage (AVG art. 15) — alles wat terugkeer over deze persoon bewaart",
        "v_number": "V-nummer", "made_at": "Gemaakt op", "made_by": "Gemaakt door",
        "reason": "Kenmerk van het verzoek", "controller": "Verwerkingsverantwoordelijke",
        "logged": "Dit overzicht is zelf vastgelegd in het toegangslog.",
        "summary": "Samenvatting",
        "count_events": "Feiten", "count_withdrawn": "waarvan ingetrokken",
        "count_reads": "Regels in het toegangslog",
        "count_deliveries": "Leveringen aan ketenpartners",
        "facts": "Feiten, per afzender",
        "facts_intro": "Alleen de afzender van een feit kan het intrekken of corrigeren "
        "(uitwisselformaat v1.1). Een verzoek tot rectificatie gaat daarom naar de afzender die "
        "bij het feit staat.",
        "sender": "Afzender", "occurred": "Gebeurd", "recorded": "Vastgelegd", "type": "Soort",
        "contents": "Inhoud", "status": "Status", "by": "door", "valid": "geldig",
        "withdrawn": "ingetrokken", "withdrawn_by": "met {id} op {at}, reden: {reason}",
        "withdraws": "trekt {id} in", "case": "Zaak",
        "states": "Zaken en gereedheid voor vertrek in de tijd",
        "states_intro": "De stand van elke zaak aan het eind van elke dag waarop er iets "
        "gebeurde, zoals het systeem haar nu afleidt (ingetrokken feiten tellen niet mee). "
        "Gereedheid is informatie voor een besluit van een mens, geen besluit.",
        "day": "Dag", "open": "open", "closed": "gesloten", "track": "Spoor",
        "whereabouts": "Verblijfplaats", "document": "Reisdocument tot", "ready": "Gereed",
        "conditions": "Voorwaarden (juridisch uitzetbaar, beschikbaar, in bewaring, "
        "reisdocument)", "yes": "ja", "no": "nee", "none": "—",
        "reads": "Wie de gegevens inzag of wijzigde",
        "reads_intro": "Elke regel van het toegangslog over deze persoon, oudste eerst.",
        "at": "Wanneer", "actor": "Wie", "channel": "Kanaal", "action": "Handeling",
        "origin": "Vanaf", "detail": "Toelichting",
        "deliveries": "Geleverd aan ketenpartners (webhooks)",
        "deliveries_intro": "Welke feiten over deze persoon aan welke ketenpartner zijn "
        "verstuurd, en wanneer.", "partner": "Ketenpartner", "event": "Feit", "state": "Stand",
        "delivered_at": "Afgeleverd", "nothing": "Geen.",
        "times": "Tijden in Nederlandse tijd (Europe/Amsterdam).",
        "account": "partneraccount", "directors": "Regievoerders van de zaken",
        "director": "Regievoerder",
        "assigned_by": "Toegewezen door", "shares": "Gedeeld met ketenpartners",
        "shares_intro": "Een regievoerder kan een persoon tot een dag delen met een "
        "ketenpartner, die dan de zaak mag lezen.", "until": "Tot en met",
        "shared_by": "Gedeeld door", "ended": "Eerder beëindigd",
    },
    "en": {
        "title": "Overview of the data held on one person",
        "subtitle": "Right of access (GDPR art. 15) — everything terugkeer holds on this person",
        "v_number": "V-number", "made_at": "Made at", "made_by": "Made by",
        "reason": "Reference of the request", "controller": "Controller",
        "logged": "This overview is itself recorded in the access log.",
        "summary": "Summary",
        "count_events": "Facts", "count_withdrawn": "of which withdrawn",
        "count_reads": "Access-log rows", "count_deliveries": "Deliveries to chain partners",
        "facts": "Facts, by sender",
        "facts_intro": "Only a fact's sender can withdraw or correct it (exchange format v1.1). "
        "A request for rectification therefore goes to the sender shown with the fact.",
        "sender": "Sender", "occurred": "Occurred", "recorded": "Recorded", "type": "Type",
        "contents": "Contents", "status": "Status", "by": "by", "valid": "valid",
        "withdrawn": "withdrawn", "withdrawn_by": "by {id} on {at}, reason: {reason}",
        "withdraws": "withdraws {id}", "case": "Case",
        "states": "Cases and removal readiness over time",
        "states_intro": "Each case at the end of every day on which something happened in it, "
        "as the system derives it now (withdrawn facts do not count). Readiness is information "
        "for a person's decision, never a decision.",
        "day": "Day", "open": "open", "closed": "closed", "track": "Track",
        "whereabouts": "Whereabouts", "document": "Travel document until", "ready": "Ready",
        "conditions": "Conditions (legally removable, available, in detention, travel "
        "document)", "yes": "yes", "no": "no", "none": "—",
        "reads": "Who read or changed the data",
        "reads_intro": "Every row of the access log about this person, oldest first.",
        "at": "When", "actor": "Who", "channel": "Channel", "action": "Action",
        "origin": "From", "detail": "Detail",
        "deliveries": "Delivered to chain partners (webhooks)",
        "deliveries_intro": "Which facts about this person were sent to which chain partner, "
        "and when.", "partner": "Chain partner", "event": "Fact", "state": "State",
        "delivered_at": "Delivered", "nothing": "None.",
        "times": "Times in Dutch time (Europe/Amsterdam).",
        "account": "partner account", "directors": "Case directors of the cases",
        "director": "Case director",
        "assigned_by": "Assigned by", "shares": "Shared with chain partners",
        "shares_intro": "A case director can share a person with a chain partner until a day; "
        "the partner may then read the case.", "until": "Until",
        "shared_by": "Shared by", "ended": "Ended early",
    },
}  # fmt: skip

#: Event types, retraction reasons and channels in Dutch (English: the code with spaces).
DUTCH: dict[str, str] = {
    "intake": "instroom", "interview": "vertrekgesprek", "location_changed": "verblijfplaats "
    "gewijzigd", "procedure_started": "procedure gestart", "procedure_decided": "beslissing op "
    "procedure", "return_decision": "terugkeerbesluit", "document_requested": "document "
    "aangevraagd", "document_answered": "antwoord op aanvraag", "travel_document_valid":
    "geldig reisdocument", "detention_started": "in bewaring gesteld", "detention_ended":
    "bewaring beëindigd", "dublin_claim": "Dublinclaim", "dublin_accepted": "Dublinclaim "
    "aanvaard", "dublin_refused": "Dublinclaim afgewezen", "support_granted": "ondersteuning "
    "toegekend", "flight_booked": "vlucht geboekt", "flight_cancelled": "vlucht geannuleerd",
    "departed": "vertrokken", "absconded": "vertrokken met onbekende bestemming",
    "exit_without_departure": "uitstroom zonder vertrek", "retracted": "intrekking",
    "entered_in_error": "ten onrechte vastgelegd", "wrong_person": "verkeerde persoon",
    "duplicate": "dubbel", "other": "anders", "pending": "wacht", "delivered": "afgeleverd",
    "failed": "mislukt", "asylum": "asiel", "dublin": "Dublin", "regular": "regulier",
    "criminal": "strafrechtelijk", "illegal_stay": "illegaal verblijf", "detention": "bewaring",
    "azc": "azc", "family_location": "gezinslocatie", "vbl": "vbl", "emergency_reception":
    "noodopvang", "prison": "gevangenis", "private": "particulier adres", "unknown": "onbekend",
}  # fmt: skip


def word(code: str | None, lang: str) -> str:
    """A code (event type, reason, state) in `lang`."""
    if code is None:
        return "—"
    return DUTCH.get(code, code.replace("_", " ")) if lang == "nl" else code.replace("_", " ")


#: The access log's commonest actions in words (others are shown as their code).
ACTIONS: dict[str, tuple[str, str]] = {
    "case.read": ("zaak geopend", "opened the case"),
    "case.read.refused": ("zaak openen geweigerd", "refused to open the case"),
    "case.record": ("feit vastgelegd", "recorded a fact"),
    "case.withdraw": ("feit ingetrokken", "withdrew a fact"),
    "case.correct": ("feit gecorrigeerd", "corrected a fact"),
    "case.assign": ("zaak toegewezen", "assigned the case"),
    "family.read": ("gezin geopend", "opened the family"),
    "events.post": ("feiten ontvangen van ketenpartner", "received facts from a chain partner"),
    "api.case.read": ("zaak gelezen via de API", "read the case through the API"),
    "api.events.read": ("feiten gelezen via de API", "read facts through the API"),
    "share.start": ("gedeeld met ketenpartner", "shared with a chain partner"),
    "share.end": ("delen beëindigd", "ended a share"),
    "subject.read": ("inzageoverzicht bekeken", "viewed the subject overview"),
    "subject.export": ("inzageoverzicht geëxporteerd", "exported the subject overview"),
    "access_log.read": ("toegangslog bekeken", "viewed the access log"),
    "access_log.export": ("toegangslog geëxporteerd", "exported the access log"),
}


def action_words(code: str, lang: str) -> str:
    """An access-log action in `lang`; a record's kind (`case.record.interview`) keeps it."""
    index = 0 if lang == "nl" else 1
    if code in ACTIONS:
        return ACTIONS[code][index]
    if code.startswith("case.record."):
        kind = code.removeprefix("case.record.")
        return f"{ACTIONS['case.record'][index]}: {word(kind, lang)}"
    return code
