"""The versioned rules table (RULES.md): legal parameters with validity dates, sources and markers.

Law changes (AMMR from 12 June 2026, a new Return Regulation on its way), so parameters live in
rows with a `valid_from` date rather than in code; a rule is chosen by the date the rule itself
names (e.g. the Dublin regime by the date of the claim). Pure: `terugkeer.rules` reads the TOML.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: V = checked against the legal text, S = secondary source, U = unverified (show it in the UI).
Marker = Literal["V", "S", "U"]

#: An ISO 8601 period of whole months, weeks or days: "P2M", "P2W", "P30D" (`add_period`).
PERIOD_PATTERN = r"^P[1-9][0-9]*[MWD]$"


class NoRuleInForceError(LookupError):
    """No row of a rules section is in force on the asked date (it precedes the first row)."""


class RuleRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    valid_from: date
    source: str = Field(min_length=1)
    marker: Marker


class DublinRegime(RuleRow):
    """Transfer deadlines of one Dublin regime (overdrachtstermijn), in calendar months."""

    name: str = Field(min_length=1)
    #: The legal ground of removal by a transfer under this regime (RULES.md §1: not a return),
    #: shown as the source of "legally removable" while a claim of this regime runs.
    transfer_source: str = Field(min_length=1)
    base_months: int = Field(gt=0)
    imprisonment_months: int = Field(gt=0)
    absconding_months: int = Field(gt=0)
    #: Worklist warnings (RULES.md §2), ISO 8601 periods of months, weeks or days ("P2M").
    request_period: str = Field(pattern=PERIOD_PATTERN)
    take_charge_reply: str = Field(pattern=PERIOD_PATTERN)
    take_back_reply: str = Field(pattern=PERIOD_PATTERN)
    #: The article that makes a reply deadline passed in silence an acceptance (a short
    #: citation, shown on the worklist); empty where it is not known.
    take_charge_silence: str = ""
    take_back_silence: str = ""

    @model_validator(mode="after")
    def _extensions_are_longer(self) -> DublinRegime:
        if min(self.imprisonment_months, self.absconding_months) < self.base_months:
            raise ValueError(f"{self.name}: an extended deadline is shorter than the base one")
        return self


class DepartureTerm(RuleRow):
    """Departure term (vertrektermijn) of a return decision, in days."""

    default_days: int = Field(ge=0)
    min_days: int = Field(ge=0)
    max_days: int = Field(ge=0)

    @model_validator(mode="after")
    def _default_within_bounds(self) -> DepartureTerm:
        if not self.min_days <= self.default_days <= self.max_days:
            raise ValueError("departure term: need min_days <= default_days <= max_days")
        return self


class DetentionLimits(RuleRow):
    """Immigration detention (vreemdelingenbewaring) maximum and its extension, in months."""

    max_months: int = Field(gt=0)
    extension_months: int = Field(ge=0)
    review_days: int = Field(gt=0)


class DocumentRequestRule(RuleRow):
    """An unanswered travel-document request is withdrawn at the latest this long after filing."""

    withdrawal_months: int = Field(gt=0)


class RemovalReadinessRule(RuleRow):
    """Where each of the four removal conditions (RULES.md §1) comes from in law, as shown
    next to the condition wherever readiness is displayed."""

    legally_removable_source: str = Field(min_length=1)
    available_source: str = Field(min_length=1)
    in_detention_source: str = Field(min_length=1)
    travel_document_source: str = Field(min_length=1)


class UkraineSupportRule(RuleRow):
    """Which of the agency's Ukraine support schemes (RULES.md §7) can be granted from
    `valid_from`: help for Ukrainians (temporary protection) who want to go home, and the
    temporary remigration support for third-country nationals from Ukraine. A scheme ends
    where a later row says it is no longer open (third countries: 4 March 2024)."""

    return_home: bool
    third_country: bool


R = TypeVar("R", bound=RuleRow)


def _chronological(rows: tuple[R, ...]) -> tuple[R, ...]:
    days = [row.valid_from for row in rows]
    if len(set(days)) != len(days):
        raise ValueError("two rows of one section share a valid_from date")
    return tuple(sorted(rows, key=lambda row: row.valid_from))


class WorklistRule(RuleRow):
    """How far ahead items show on a case director's worklist (agency practice, not law)."""

    dublin_transfer_window_days: int = Field(ge=0)
    flight_window_days: int = Field(ge=0)
    departure_term_window_days: int = Field(ge=0)
    detention_review_window_days: int = Field(ge=0)
    detention_maximum_window_days: int = Field(ge=0)
    interview_interval_days: int = Field(gt=0)
    interview_source: str = Field(min_length=1)
    flight_source: str = Field(min_length=1)


class RulesTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dublin: tuple[DublinRegime, ...] = Field(min_length=1)
    departure_term: tuple[DepartureTerm, ...] = Field(min_length=1)
    detention: tuple[DetentionLimits, ...] = Field(min_length=1)
    document_request: tuple[DocumentRequestRule, ...] = Field(min_length=1)
    removal_readiness: tuple[RemovalReadinessRule, ...] = Field(min_length=1)
    worklist: tuple[WorklistRule, ...] = Field(min_length=1)
    ukraine_support: tuple[UkraineSupportRule, ...] = Field(min_length=1)

    @field_validator(
        "dublin",
        "departure_term",
        "detention",
        "document_request",
        "removal_readiness",
        "worklist",
        "ukraine_support",
    )
    @classmethod
    def _sorted_unique(cls, rows: tuple[R, ...]) -> tuple[R, ...]:
        return _chronological(rows)

    @field_validator("dublin")
    @classmethod
    def _unique_regime_names(cls, rows: tuple[DublinRegime, ...]) -> tuple[DublinRegime, ...]:
        if len({row.name for row in rows}) != len(rows):
            raise ValueError("two Dublin regimes share a name")
        return rows

    def first_covered_day(self) -> tuple[date, str]:
        """The first day on which every section has a rule in force, and the section that
        starts last (what a history reaching further back cannot be judged by)."""
        starts = {name: min(row.valid_from for row in getattr(self, name))
                  for name in type(self).model_fields}  # fmt: skip
        section = max(starts, key=lambda name: starts[name])
        return starts[section], section

    def dublin_regime(self, on: date) -> DublinRegime:
        return in_force(self.dublin, on)

    def departure_term_on(self, on: date) -> DepartureTerm:
        return in_force(self.departure_term, on)

    def detention_on(self, on: date) -> DetentionLimits:
        return in_force(self.detention, on)

    def document_request_on(self, on: date) -> DocumentRequestRule:
        return in_force(self.document_request, on)

    def removal_readiness_on(self, on: date) -> RemovalReadinessRule:
        return in_force(self.removal_readiness, on)

    def worklist_on(self, on: date) -> WorklistRule:
        return in_force(self.worklist, on)

    def ukraine_support_on(self, on: date) -> UkraineSupportRule:
        return in_force(self.ukraine_support, on)


def in_force(rows: Sequence[R], on: date) -> R:
    """The row in force on `on`: the one with the latest `valid_from` on or before that date.
    `rows` are in the table's order, by `valid_from` (`_chronological`); the newest is nearly
    always the one, and the projections ask for several rules per event."""
    for row in reversed(rows):
        if row.valid_from <= on:
            return row
    raise NoRuleInForceError(f"no rule in force on {on.isoformat()}")


def with_ammr_from(table: RulesTable, valid_from: date) -> RulesTable:
    """A copy in which the AMMR regime applies from `valid_from` (12 June 2026 by default;
    art. 84 has also been read as 1 July 2026 [U]). Re-validated, so it cannot collide."""
    if not any(row.name == "ammr" for row in table.dublin):
        raise ValueError("the rules table has no Dublin regime named 'ammr'")
    dublin = [
        row.model_copy(update={"valid_from": valid_from}) if row.name == "ammr" else row
        for row in table.dublin
    ]
    return RulesTable.model_validate({**dict(table), "dublin": dublin})
