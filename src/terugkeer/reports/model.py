"""The key figures as frozen, typed models. `model_dump(mode="json")` is the JSON of `terugkeer
report key-figures --format json`: the same keys in the same order, the same value types.

The exact and the published form (EVENTS.md: counts rounded to tens, below 5 shown as "<5")
differ only in what a count can be, so every group is generic over its count type: `KeyFigures`
holds `int` counts, `PublishedKeyFigures` holds `int | "<5"`. One declaration of the fields and
their labels serves both, and each form keeps the exact type of its values: `"<5"` cannot appear
in exact figures, and a published figure cannot be passed where exact counts are expected. What
is not a count has the same type in both forms and is published as it is: the period, the rates
(computed from exact counts) and `dublin.member_states` (a number of countries). `rounded`
(reports/rounding.py) rounds exactly the fields typed as counts.

Each field declares its Dutch and English label (`labelled`, reports/labels.py).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Generic, Literal, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict

from terugkeer.reports.labels import labelled

#: A published count: a multiple of ten, or "<5" for a count below 5.
PublishedCount: TypeAlias = int | Literal["<5"]
Count = TypeVar("Count", int, PublishedCount)


class _Frozen(BaseModel):
    # strict: no coercion (a count is an int, never "20" or True); JSON keys are the aliases.
    model_config = ConfigDict(
        frozen=True,
        strict=True,
        extra="forbid",
        serialize_by_alias=True,
        validate_by_alias=True,
        validate_by_name=True,
    )


class ReportedPeriod(_Frozen):
    start: Annotated[date, labelled("van", "from", alias="from")]
    end: Annotated[date, labelled("tot en met", "to", alias="to")]


class InflowBySource(_Frozen, Generic[Count]):
    IND: Annotated[Count, labelled("waarvan IND", "of which IND", indent=1)]
    POLITIE: Annotated[Count, labelled("waarvan Politie", "of which Police", indent=1)]
    KMAR: Annotated[Count, labelled("waarvan KMar", "of which KMar", indent=1)]
    other: Annotated[Count, labelled("waarvan overig", "of which other", indent=1)]


class ExitWithoutDeparture(_Frozen, Generic[Count]):
    total: Annotated[
        Count, labelled("uitstroom zonder vertrek", "exit without departure", indent=1)
    ]
    asylum_procedure: Annotated[
        Count, labelled("naar asielprocedure", "into the asylum procedure", indent=2)
    ]
    residence_permit: Annotated[
        Count, labelled("verblijfsvergunning", "residence permit", indent=2)
    ]
    other: Annotated[Count, labelled("overig", "other", indent=2)]


class ClosedProcedures(_Frozen, Generic[Count]):
    total: Annotated[Count, labelled("Afgesloten vertrekprocedures", "Closed procedures")]
    independent_departure: Annotated[
        Count, labelled("zelfstandig vertrek", "independent departure", indent=1)
    ]
    forced_departure: Annotated[Count, labelled("gedwongen vertrek", "forced departure", indent=1)]
    absconded: Annotated[
        Count,
        labelled(
            "zelfstandig vertrek zonder toezicht (MOB)",
            "left without supervision (absconded)",
            indent=1,
        ),
    ]
    exit_without_departure: Annotated[
        ExitWithoutDeparture[Count],
        labelled("Uitstroom zonder vertrek naar reden", "Exit without departure by reason"),
    ]


class Dublin(_Frozen, Generic[Count]):
    transferred: Annotated[Count, labelled("Dublinoverdrachten", "Dublin transfers")]
    #: How many different member states they went to (not how many people): "to 23 member
    #: states" beside 1,464 transfers read as a contradiction.
    member_states: Annotated[
        int, labelled("aantal lidstaten van bestemming", "member states of destination", indent=1)
    ]
    expired: Annotated[Count, labelled("Verlopen overdrachtstermijnen", "Dublin deadlines expired")]


class RepeatedProcedures(_Frozen, Generic[Count]):
    with_decision: Annotated[
        Count, labelled("Personen met ≥1 beslissing", "People with ≥1 decision")
    ]
    two_or_more_or_pending_share: Annotated[
        float | None,
        labelled(
            "aandeel ≥2 beslissingen of procedure lopend",
            "share with ≥2 decisions or a pending procedure",
            indent=1,
        ),
    ]
    four_or_more: Annotated[Count, labelled("≥4 beslissingen", "≥4 decisions", indent=1)]


class NationalityCount(_Frozen, Generic[Count]):
    nationality: Annotated[str, labelled("nationaliteit", "nationality")]
    count: Annotated[Count, labelled("aantal", "count")]


class KeyFiguresOf(_Frozen, Generic[Count]):
    """Every figure of EVENTS.md ("Figures derived from the events"); see `KeyFigures` and
    `PublishedKeyFigures` for the two forms."""

    period: Annotated[ReportedPeriod, labelled("Periode", "Period")]
    inflow: Annotated[Count, labelled("Instroom", "Inflow")]
    inflow_by_source: Annotated[
        InflowBySource[Count], labelled("Instroom per bron", "Inflow by source")
    ]
    departure_interviews: Annotated[Count, labelled("Vertrekgesprekken", "Departure interviews")]
    closed_procedures: Annotated[
        ClosedProcedures[Count], labelled("Afgesloten vertrekprocedures", "Closed procedures")
    ]
    demonstrable_departure: Annotated[
        Count, labelled("Aantoonbaar vertrek", "Demonstrable departure")
    ]
    demonstrable_departure_rate: Annotated[
        float | None, labelled("Percentage aantoonbaar vertrek", "Demonstrable departure rate")
    ]
    flights_booked: Annotated[Count, labelled("Geboekte vluchten", "Flights booked")]
    travel_document_requests: Annotated[
        Count, labelled("Aanvragen reisdocumenten", "Travel document requests")
    ]
    nationality_confirmations: Annotated[
        Count, labelled("Nationaliteitsbevestigingen", "Nationality confirmations")
    ]
    dublin: Annotated[Dublin[Count], labelled("Dublin", "Dublin")]
    caseload: Annotated[Count, labelled("Caseload (einde periode)", "Caseload (end of period)")]
    repeated_procedures: Annotated[
        RepeatedProcedures[Count], labelled("Herhaalde procedures", "Repeated procedures")
    ]
    top_nationalities: Annotated[
        tuple[NationalityCount[Count], ...],
        labelled(
            "Top nationaliteiten in de caseload (excl. Dublin)",
            "Top nationalities in the caseload (excl. Dublin)",
        ),
    ]
    at_emergency_reception: Annotated[
        Count, labelled("In noodopvang (einde periode)", "At emergency reception (end)")
    ]

    def __getitem__(self, key: str) -> Any:
        """A top-level figure by its JSON key, in its JSON form (`model_dump(mode="json")`), for
        callers that address figures by name; typed code uses the attributes."""
        return self.model_dump(mode="json")[key]


class KeyFigures(KeyFiguresOf[int]):
    """Exact counts."""


class PublishedKeyFigures(KeyFiguresOf[PublishedCount]):
    """The published form: counts rounded to tens, below 5 as "<5" (`rounding.rounded`)."""
