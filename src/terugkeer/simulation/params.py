"""Parameters of the return-process simulator, validated; units in the names, a source for all.

Every value is a `{value, source}` pair: the source names the publication, or says why the value
was chosen ("calibrated: …", "assumption: …"). Scenario files override any subset (see
`scenario.py`); unknown names are rejected so that a typo never passes silently.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

Source = Annotated[str, Field(min_length=3)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Value(_Strict):
    value: Annotated[float, Field(ge=0)]
    source: Source


class Share(_Strict):
    value: Annotated[float, Field(ge=0, le=1)]
    source: Source


class Mix(_Strict):
    """Shares of a categorical choice; they must add up to 1."""

    shares: dict[str, Annotated[float, Field(ge=0)]]
    source: Source

    @model_validator(mode="after")
    def _adds_up(self) -> Mix:
        total = sum(self.shares.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"shares add up to {total:.6f}, not 1")
        return self


class Inflow(_Strict):
    per_year: Value  # intakes per simulated year without a history entry
    by_source: Mix  # IND, POLITIE, KMAR, other
    other_sources: Mix  # which sender an "other" intake has (COA, DJI, GEMEENTE, ...)
    history_per_year: dict[str, Value]  # warm-up years: intakes in that calendar year


class Population(_Strict):
    nationality: Mix
    track: Mix  # asylum, dublin, regular, criminal, illegal_stay
    unaccompanied_minor_share: Share
    family_share: Share  # of the arrivals (not of the persons): a family arrives as one
    family_size: Mix  # persons in a family, keys "2", "3", ...

    @model_validator(mode="after")
    def _family_sizes(self) -> Population:
        wrong = [size for size in self.family_size.shares if not size.isdigit() or int(size) < 2]
        if wrong:
            raise ValueError(f"family_size: sizes must be whole numbers of 2 or more, not {wrong}")
        return self

    @property
    def persons_per_arrival(self) -> float:
        """The expected persons in one arrival: families bring several."""
        sizes = self.family_size.shares
        mean_size = sum(int(size) * share for size, share in sizes.items())
        families = self.family_share.value * (1 - self.unaccompanied_minor_share.value)
        return 1 + families * (mean_size - 1)


class Interviews(_Strict):
    first_after_days_mean: Value
    follow_up_every_days_mean: Value
    cooperating_share_at_intake: Share
    starts_cooperating_share_per_interview: Share  # "alsnog meewerken"


class ReturnDecisions(_Strict):
    """The return decision follows the intake (its departure term is the rules table's)."""

    after_intake_days_min: Value
    after_intake_days_max: Value

    @model_validator(mode="after")
    def _ordered(self) -> ReturnDecisions:
        if self.after_intake_days_min.value > self.after_intake_days_max.value:
            raise ValueError("after_intake_days_min is more than after_intake_days_max")
        return self


class Locations(_Strict):
    initial: Mix  # azc, emergency_reception, vbl, private, prison (families: family_location)
    emergency_reception_stay_days_mean: Value


class Procedures(_Strict):
    start_per_year: Value  # hazard of starting a (new) procedure while none is pending
    repeat_dampening_share: Share  # each decision multiplies the start hazard by this
    kind: Mix  # asylum_repeat, appeal, regular, medical_postponement, other
    suspensive_share: Share
    decision_days_mean: dict[str, Value]  # by kind
    granted_share: Share
    appeal_after_rejection_share: Share  # a rejection followed at once by an appeal
    appeal_at_intake_share: Share  # enters with an appeal against the rejection (not Dublin)
    max_appeals: Value  # appeals in one chain: an appeal, then a further appeal
    permit_exit_after_days: Value  # from a granted permit to the case's closing


class Documents(_Strict):
    valid_document_at_intake_share: Share  # people who arrive with a valid passport
    request_after_days_mean: Value  # for people not cooperating and without a document
    request_share: Share  # of those, how many get a request
    answer_days_mean: Value
    confirmation_share: dict[str, Share]  # by nationality; "default" for the rest
    withdrawal_after_days: Value  # unanswered requests are withdrawn (RULES.md §6)
    not_national_share: Share  # of the requests not confirmed, answered "not national"
    laissez_passer_share: Share  # of the requests, for a laissez-passer (else readmission)
    passport_valid_years: Value  # validity left of a passport the model records
    laissez_passer_valid_years: Value  # validity of a laissez-passer issued on a confirmation


class Removal(_Strict):
    detention_places: Value
    detention_to_flight_days_mean: Value
    flight_cancelled_share: Share
    cancellation_reason: Mix  # refused_boarding, procedure, document, medical, other
    independent_flight_share: Share  # independent departures on a flight DTenV booked
    dublin_forced_share: Share  # Dublin transfers carried out as forced departures
    flight_notice_days: Value  # a flight is booked this long before it leaves
    detention_retry_days: Value  # no detention place free: tried again this much later
    release_pause_days: Value  # after a release at the maximum term, no new detention
    #: Days in each month of the rules table's detention maximum (RulesTable.detention_on).
    detention_month_days: Value


class Outcomes(_Strict):
    """Yearly hazards of leaving the caseload, by the person's situation."""

    independent_departure_per_year: Value  # cooperating
    absconding_per_year_cooperating: Value
    absconding_per_year_not_cooperating: Value
    exit_asylum_procedure_per_year: Value
    exit_other_per_year: Value
    #: Multiplies absconding and independent departure while a procedure is pending: people
    #: awaiting a decision keep their reception and wait for it.
    in_procedure_exit_factor: Share
    #: Multiplies absconding on the asylum track: people whose asylum application was rejected
    #: stay on in reception and procedures more than those found staying without a permit.
    asylum_absconding_factor: Share
    #: Multiplies absconding at a family location or the VBL (the report's bottleneck 2, "(too)
    #: long stay"): reception goes on there, with children or a duty to report.
    long_stay_absconding_factor: Share
    #: An independent departure without a flight DTenV booked leaves within these days.
    unbooked_departure_days_min: Value
    unbooked_departure_days_max: Value

    @model_validator(mode="after")
    def _ordered(self) -> Outcomes:
        if self.unbooked_departure_days_min.value > self.unbooked_departure_days_max.value:
            raise ValueError("unbooked_departure_days_min is more than unbooked_departure_days_max")
        return self


class Dublin(_Strict):
    claim_after_days_mean: Value
    acceptance_share: Share
    answer_days_mean: Value
    implicit_acceptance_share: Share
    transfer_within_deadline_share: Share
    absconding_before_transfer_share: Share
    exit_after_deadline_days_mean: Value
    member_state: Mix
    take_back_share: Share  # of the claims, take-back (else take-charge) requests
    exit_after_refusal_days_mean: Value  # a refused claim: to the asylum procedure here
    #: Days after the acceptance: transfers fall in [transfer_earliest_day,
    #: transfer_latest_day], absconding in [absconding_earliest_day, transfer_latest_day];
    #: an expiry lets the deadline pass first, at deadline_safe_day.
    transfer_earliest_day: Value
    absconding_earliest_day: Value
    transfer_latest_day: Value
    deadline_safe_day: Value

    @model_validator(mode="after")
    def _outcomes_fit(self) -> Dublin:
        total = (
            self.transfer_within_deadline_share.value + self.absconding_before_transfer_share.value
        )
        if total > 1:
            raise ValueError(f"transfer and absconding shares add up to {total:.3f}, more than 1")
        first = max(self.transfer_earliest_day.value, self.absconding_earliest_day.value)
        if not first < self.transfer_latest_day.value <= self.deadline_safe_day.value:
            raise ValueError(
                "need transfer_earliest_day and absconding_earliest_day < transfer_latest_day"
                " <= deadline_safe_day"
            )
        return self


class Support(_Strict):
    independent_departure_share: Share  # departures with departure/reintegration support
    reintegration_share: Share  # of those, with reintegration support (else basic departure)


class Ukraine(_Strict):
    """The agency's Ukraine support (RULES.md §7) in the windows of the rules table's
    `ukraine_support` (simulation/ukraine.py): Ukrainians helped home, each a case of their own
    converted from an intake of the inflow (so the inflow stays), and the remigration support
    for third-country nationals given with independent departures the model already makes."""

    #: Of the intakes (persons) of a calendar year while the rules table has the help open,
    #: the share that are Ukrainians asking to be helped home (converted: the inflow stays);
    #: a year not named takes the latest named year before it, none before the first.
    returner_share_by_year: dict[str, Share]
    #: The support is granted within this many days of the returner's intake (uniform).
    returner_support_days_max: Value
    #: The returner leaves this many days after the support (uniform between the two).
    returner_departure_days_min: Value
    returner_departure_days_max: Value
    #: Of the independent departures of other nationals while the remigration support for
    #: third-country nationals from Ukraine is open (mid-November 2022 to 4 March 2024).
    third_country_share: Share

    @model_validator(mode="after")
    def _returners(self) -> Ukraine:
        if not all(year.isdigit() and len(year) == 4 for year in self.returner_share_by_year):
            raise ValueError('returner_share_by_year: the keys are calendar years, e.g. "2023"')
        if self.returner_departure_days_min.value > self.returner_departure_days_max.value:
            raise ValueError("returner_departure_days_min is more than returner_departure_days_max")
        return self


class Reentry(_Strict):
    """People who leave the caseload for a new asylum procedure and, rejected, come back."""

    after_asylum_procedure_share: Share
    after_days_mean: Value  # from leaving the caseload to the new intake


class Corrections(_Strict):
    """Facts a sender withdraws (EVENTS.md v1.1): net of their retractions they change no
    figure, so the calibrated figures stay where they are."""

    #: Of the interviews and location changes, how many come with a correction: an interview
    #: sent twice and the copy withdrawn, or a location sent with the wrong kind, withdrawn and
    #: sent again right.
    corrected_share: Share


class Reporting(_Strict):
    """How long after an event its sender's message reaches the agency. The model itself
    works in the time events occur; the demo records each simulated event when it arrives
    (simulation/arrival.py), so "late" on a timeline means late and "as known on" a day
    misses what had not arrived yet."""

    median_hours: dict[str, Value]  # per sender; "other" for any sender not named
    spread: Value  # of the log-normal delay within a day (sigma)
    late_share: Share  # messages that arrive more than a day after the event
    late_days_mean: Value  # how much later than a day, on average (exponential)


class Parameters(_Strict):
    warm_up_years: Annotated[int, Field(ge=0, le=20)]
    inflow: Inflow
    population: Population
    interviews: Interviews
    return_decisions: ReturnDecisions
    locations: Locations
    procedures: Procedures
    documents: Documents
    removal: Removal
    outcomes: Outcomes
    dublin: Dublin
    support: Support
    ukraine: Ukraine
    reentry: Reentry
    corrections: Corrections
    reporting: Reporting
