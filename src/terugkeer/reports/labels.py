"""Labels of the key figures: Dutch (as DTenV publishes) and English."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "inflow": ("Instroom", "Inflow"),
    "inflow_by_source.IND": ("  waarvan IND", "  of which IND"),
    "inflow_by_source.POLITIE": ("  waarvan Politie", "  of which Police"),
    "inflow_by_source.KMAR": ("  waarvan KMar", "  of which KMar"),
    "inflow_by_source.other": ("  waarvan overig", "  of which other"),
    "departure_interviews": ("Vertrekgesprekken", "Departure interviews"),
    "closed_procedures.total": ("Afgesloten vertrekprocedures", "Closed procedures"),
    "closed_procedures.independent_departure": ("  zelfstandig vertrek", "  independent departure"),
    "closed_procedures.forced_departure": ("  gedwongen vertrek", "  forced departure"),
    "closed_procedures.absconded": (
        "  zelfstandig vertrek zonder toezicht (MOB)",
        "  left without supervision (absconded)",
    ),
    "closed_procedures.exit_without_departure.total": (
        "  uitstroom zonder vertrek",
        "  exit without departure",
    ),
    "closed_procedures.exit_without_departure.asylum_procedure": (
        "    naar asielprocedure",
        "    into the asylum procedure",
    ),
    "closed_procedures.exit_without_departure.residence_permit": (
        "    verblijfsvergunning",
        "    residence permit",
    ),
    "closed_procedures.exit_without_departure.other": ("    overig", "    other"),
    "demonstrable_departure": ("Aantoonbaar vertrek", "Demonstrable departure"),
    "demonstrable_departure_rate": (
        "Percentage aantoonbaar vertrek",
        "Demonstrable departure rate",
    ),
    "flights_booked": ("Geboekte vluchten", "Flights booked"),
    "travel_document_requests": ("Aanvragen reisdocumenten", "Travel document requests"),
    "nationality_confirmations": ("Nationaliteitsbevestigingen", "Nationality confirmations"),
    "dublin.transferred": ("Dublinoverdrachten", "Dublin transfers"),
    "dublin.member_states": ("  naar lidstaten", "  to member states"),
    "dublin.expired": ("Verlopen overdrachtstermijnen", "Dublin deadlines expired"),
    "caseload": ("Caseload (einde periode)", "Caseload (end of period)"),
    "repeated_procedures.with_decision": (
        "Personen met ≥1 beslissing",
        "People with ≥1 decision",
    ),
    "repeated_procedures.two_or_more_or_pending_share": (
        "  aandeel ≥2 beslissingen of procedure lopend",
        "  share with ≥2 decisions or a pending procedure",
    ),
    "repeated_procedures.four_or_more": ("  ≥4 beslissingen", "  ≥4 decisions"),
    "at_emergency_reception": ("In noodopvang (einde periode)", "At emergency reception (end)"),
}

TITLES = {
    "nl": ("Kerncijfers {start} t/m {end}", "Top nationaliteiten in de caseload (excl. Dublin)"),
    "en": ("Key figures {start} to {end}", "Top nationalities in the caseload (excl. Dublin)"),
}
