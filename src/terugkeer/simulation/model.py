"""One replication of the return process: the SimPy world, inflow, and the shared actions.

The world emits every fact as a v1 chain event at the moment it happens, so its output is in
time order and every line is valid for `terugkeer import` in the order written. The legal terms
it applies (the departure term, the detention maximum) come from the rules table; the tracks see
the world through `world_api.WorldApi`, which `World` satisfies.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Generator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import simpy

from terugkeer.chain_events.countries import NATIONALITY_ONLY
from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.provenance import synthetic_v_number
from terugkeer.domain.rules import RulesTable
from terugkeer.rules.loader import load_rules
from terugkeer.simulation.dublin_path import dublin_path
from terugkeer.simulation.emit import Emitter
from terugkeer.simulation.params import Parameters
from terugkeer.simulation.person import MINUTE, YEAR, Person, pick, wait
from terugkeer.simulation.return_path import return_path
from terugkeer.simulation.ukraine import UkraineSupport


class World:
    def __init__(
        self,
        params: Parameters,
        origin: datetime,
        seed: int,
        write: Callable[[str], object],
        *,
        rules: RulesTable | None = None,
    ) -> None:
        """`rules`: the rules table whose legal terms the model applies (default: the packaged
        table, as `terugkeer import` reads it)."""
        self.params, self.origin, self.seed = params, origin, seed
        self.rules = rules if rules is not None else load_rules()
        self._detention_max_days: dict[date, float] = {}  # by the detention's first day
        self.env = simpy.Environment()
        self.detention = simpy.Resource(
            self.env, capacity=int(params.removal.detention_places.value)
        )
        self.emitter = Emitter(
            origin, write, run=str(seed),
            corrected_share=params.corrections.corrected_share.value,
        )  # fmt: skip
        self.rng = random.Random(f"{seed}:world")
        self.ukraine = UkraineSupport(params.ukraine, self.rules, self.emitter, seed)
        self.v_numbers: set[str] = set()
        self.persons = 0  # arrivals: a family is one
        self.members = 0  # the other persons of the families
        #: People in a new asylum procedure who will come back: (due day, order, person).
        self.returning: list[tuple[float, int, Person]] = []
        self._order = 0

    # -- running -----------------------------------------------------------------------------
    def run(
        self,
        until: datetime,
        first_year: int,
        progress: Callable[[float, float], None] | None = None,
    ) -> None:
        """Run to `until`, in 30-day steps so that `progress(day, last_day)` can be shown. Years
        before `first_year` (the warm-up) take their inflow from the history; the simulated
        years from `inflow.per_year`, so that a scenario's inflow is the one simulated."""
        self.env.process(self._inflow(until, first_year))
        last = self.day(until)
        step = 30.0
        while self.env.now < last:
            self.env.run(until=min(self.env.now + step, last))
            if progress is not None:
                progress(self.env.now, last)

    def day(self, moment: datetime) -> float:
        # In UTC: two datetimes of the same zone subtract as wall clocks (a DST hour lost).
        return (moment.astimezone(UTC) - self.origin.astimezone(UTC)) / timedelta(days=1)

    def date(self, day: float) -> str:
        return self.emitter.at(day).date().isoformat()

    # -- legal terms (the rules table) -------------------------------------------------------
    def departure_term_days(self, person: Person) -> int:
        """The departure term of a return decision made now, from the rules table's row in
        force on today's date: its minimum on the criminal track (no term for a risk to public
        order), else its default."""
        term = self.rules.departure_term_on(self.emitter.at(self.env.now).date())
        return term.min_days if person.track == "criminal" else term.default_days

    def detention_max_days(self, since: float) -> float:
        """The days a detention begun on model day `since` may last: the rules table's maximum
        in force on the day it began (without the extension, which the model leaves out), each
        month `removal.detention_month_days` long."""
        began = self.emitter.at(since).date()
        days = self._detention_max_days.get(began)
        if days is None:
            months = self.rules.detention_on(began).max_months
            days = months * self.params.removal.detention_month_days.value
            self._detention_max_days[began] = days
        return days

    def _inflow(self, until: datetime, first_year: int) -> Generator[simpy.Event, Any, None]:
        """Poisson arrivals at a constant rate within each calendar year. The inflow counts
        persons and a family arrives as one, so arrivals come at the persons' rate over the
        expected persons per arrival."""
        inflow = self.params.inflow
        persons_per_arrival = self.params.population.persons_per_arrival
        for year in range(self.origin.year, until.year + 1):
            end = self.day(datetime.combine(date(year + 1, 1, 1), time(), AMSTERDAM))
            history = inflow.history_per_year.get(str(year)) if year < first_year else None
            per_year = (history or inflow.per_year).value / persons_per_arrival
            # Per arrival, the Ukrainians asking to be helped home (persons, on average).
            returners = self.ukraine.returner_share(year) * persons_per_arrival
            while True:
                gap = self.rng.expovariate(per_year / YEAR) if per_year else end - self.env.now
                if self.env.now + gap >= end:
                    break
                yield self.env.timeout(gap)
                self.ukraine.at_arrival(self.env.now, returners)
                if self.returning and self.returning[0][0] <= self.env.now:
                    # An intake is a person coming back when one is due; the inflow stays the
                    # published number either way.
                    _, _, person = heapq.heappop(self.returning)
                    self.env.process(person_process(self, person.reentering()))
                elif self.ukraine.converts(person := self._new_person()):
                    # A case of its own (simulation/ukraine.py): the intake, by persons and by
                    # sender, is the one the model would have made.
                    self.env.process(self.ukraine.returner(self, person))
                else:
                    self.env.process(person_process(self, person))
            yield self.env.timeout(max(end - self.env.now, 0))

    def identity(self) -> tuple[random.Random, str]:
        """The next person's own random stream and a V-number not used before in this run."""
        self.persons += 1
        rng = random.Random(f"{self.seed}:person:{self.persons}")
        return rng, self.v_number(rng)

    def family_id(self) -> str:
        """The `family` of an intake: shared by the members, unique in the run."""
        return f"fam-{self.seed}-{self.persons}"

    def v_number(self, rng: random.Random) -> str:
        """A synthetic V-number not used before in this run."""
        v_number = synthetic_v_number(rng)
        while v_number in self.v_numbers:
            v_number = synthetic_v_number(rng)
        self.v_numbers.add(v_number)
        return v_number

    def _new_person(self) -> Person:
        rng, v_number = self.identity()
        population = self.params.population
        # Labels (sender, minor, family) come from a stream of their own, always drawn, so that
        # changing the sender shares leaves every other path as it was (CRN). The family share
        # and sizes and the minor share also set the arrival rate: changing them moves everyone.
        labels = random.Random(f"{self.seed}:labels:{self.persons}")
        source = pick(labels, self.params.inflow.by_source)
        other = pick(labels, self.params.inflow.other_sources)
        minor = labels.random() < population.unaccompanied_minor_share.value
        family = labels.random() < population.family_share.value and not minor
        size = int(pick(labels, population.family_size))
        members = tuple(self.v_number(labels) for _ in range(size - 1)) if family else ()
        self.members += len(members)
        return Person(
            v_number=v_number,
            nationality=pick(rng, population.nationality),
            track=pick(rng, population.track),
            rng=rng,
            cooperating=rng.random() < self.params.interviews.cooperating_share_at_intake.value,
            unaccompanied_minor=minor,
            family=self.family_id() if family else None,
            members=members,
            intake_source=other if source == "other" else source,
        )

    # -- facts -------------------------------------------------------------------------------
    def emit(self, kind: str, person: Person, data: dict[str, Any], source: str = "") -> None:
        """The fact for the person and, for a family, for each member: a family is handled
        together (PROCESS.md), so its members' cases share every fact."""
        if kind == "intake" and not source:
            source = person.intake_source
        for v_number in person.v_numbers:
            self.emitter.emit(self.env.now, kind, v_number, data, source)

    def close(self, person: Person, kind: str, data: dict[str, Any]) -> None:
        if person.detained_since is not None:
            self.release(person, "removed" if kind == "departed" else "other")
        if data.get("reason") == "asylum_procedure":
            self._into_asylum_procedure(person)
        self.emit(kind, person, data)

    def _into_asylum_procedure(self, person: Person) -> None:
        """Leaving for a new asylum procedure: the IND's application is recorded in the case
        that closes. If it will be rejected, the person waits to come back (a new intake in
        the inflow, when their turn comes) and the rejection opens the new case."""
        reentry = self.params.reentry
        if person.pending is not None:  # an appeal still running ends with the new application
            withdrawn = {"reference": person.pending["reference"], "outcome": "withdrawn"}
            self.emit("procedure_decided", person, withdrawn)
            person.pending = None
            person.decisions += 1
        reference = person.reference("P")
        self.emit("procedure_started", person,
                  {"reference": reference, "kind": "asylum", "suspensive": True})  # fmt: skip
        if person.rng.random() >= reentry.after_asylum_procedure_share.value:
            return  # granted, or elsewhere: not back in this caseload
        person.pending = {"reference": reference, "appeals": 0, "suspensive": True,
                          "until": math.inf}  # fmt: skip
        self.queue_return(person, self.env.now + wait(person.rng, reentry.after_days_mean.value))

    def queue_return(self, person: Person, ready: float) -> None:
        """`person` (with their pending asylum application) comes back from model day `ready`."""
        self._order += 1  # ties on the due day go first come, first served
        heapq.heappush(self.returning, (ready, self._order, person))

    def interview(
        self, person: Person, *, first: bool, after: float
    ) -> Generator[simpy.Event, Any, None]:
        if after:
            yield self.env.timeout(after)
        share = self.params.interviews.starts_cooperating_share_per_interview.value
        if not person.cooperating and person.rng.random() < share:
            person.cooperating = True  # "alsnog meewerken"
        stance = "cooperating" if person.cooperating else "not_cooperating"
        self.emit(
            "interview", person, {"kind": "first" if first else "follow_up", "stance": stance}
        )

    def destination(self, person: Person) -> str:
        """The country a person returns to: their nationality, or for a stateless person or one
        of unknown nationality (XXA, XXX: not countries) a country drawn once from the mix."""
        if person.nationality not in NATIONALITY_ONLY:
            return person.nationality
        if person.return_country is None:
            choices = {k: v for k, v in self.params.population.nationality.shares.items()
                       if k not in NATIONALITY_ONLY}  # fmt: skip
            names = list(choices)
            person.return_country = person.rng.choices(names, [choices[n] for n in names])[0]
        return person.return_country

    def book_flight(
        self, person: Person, destination: str, *, days_ahead: float, escort: str
    ) -> None:
        reference = person.reference("F")
        person.flight = {"reference": reference, "date": self.env.now + days_ahead}
        self.emit("flight_booked", person, {
            "reference": reference, "date": self.date(self.env.now + days_ahead),
            "destination": destination, "escort": escort,
        })  # fmt: skip

    # -- forced return -----------------------------------------------------------------------
    def detain(self, person: Person) -> None:
        if self.detention.count >= self.detention.capacity:
            # No place free: try again later.
            person.return_term_ends = self.env.now + self.params.removal.detention_retry_days.value
            return
        person.detention_request = self.detention.request()
        person.detained_since = self.env.now
        self.emit("detention_started", person, {"ground": "vw59"})
        days = wait(person.rng, self.params.removal.detention_to_flight_days_mean.value)
        person.flight = None
        person.book_at = self.env.now + days

    def release(self, person: Person, reason: str) -> None:
        if person.flight and reason != "removed":
            self.cancel_flight(person, "other")  # no booked flight is left hanging
        if person.detention_request is not None:  # None: taken over beyond the places
            self.detention.release(person.detention_request)
            person.detention_request = None
        person.detained_since = None
        person.flight = None
        self.emit("detention_ended", person, {"reason": reason})

    def cancel_flight(self, person: Person, reason: str) -> None:
        assert person.flight is not None
        self.emit("flight_cancelled", person,
                  {"reference": person.flight["reference"], "reason": reason})  # fmt: skip
        person.flight = None
        days = wait(person.rng, self.params.removal.detention_to_flight_days_mean.value)
        person.book_at = self.env.now + days

    def start_of_day_after(self, day: float, days: int) -> float:
        """The model day at which the Amsterdam calendar day `days` after `day`'s date begins."""
        local = self.emitter.at(day).date() + timedelta(days=days)
        return self.day(datetime.combine(local, time(), AMSTERDAM))

    def fly(self, person: Person) -> Generator[simpy.Event, Any, bool]:
        """The booked flight's day: cancelled (and rebooked later) or a forced departure."""
        assert person.flight is not None
        if person.rng.random() < self.params.removal.flight_cancelled_share.value:
            self.cancel_flight(person, pick(person.rng, self.params.removal.cancellation_reason))
            return False
        yield self.env.timeout(MINUTE)
        self.close(person, "departed", {"mode": "forced", "destination": self.destination(person),
                                        "evidence": "escorted"})  # fmt: skip
        return True

    def leave_independently(self, person: Person) -> Generator[simpy.Event, Any, None]:
        rng, p = person.rng, self.params
        if rng.random() < p.support.independent_departure_share.value:
            reintegration = rng.random() < p.support.reintegration_share.value
            kind = "reintegration" if reintegration else "basic_departure"
            self.emit("support_granted", person, {"kind": kind, "provider": "IOM"})
        # Some of these departures are the Ukraine schemes' (a stream aside: nothing else moves).
        self.ukraine.at_departure(self.env.now, person)
        if not person.has_document(self.env.now):
            valid = p.documents.passport_valid_years.value * YEAR
            self.emit(
                "travel_document_valid",
                person,
                {"kind": "passport", "valid_until": self.date(self.env.now + valid)},
            )
        if rng.random() < p.removal.independent_flight_share.value:
            notice = p.removal.flight_notice_days.value
            self.book_flight(person, self.destination(person), days_ahead=notice, escort="none")
            yield self.env.timeout(notice)
        else:
            o = p.outcomes
            days = rng.uniform(
                o.unbooked_departure_days_min.value, o.unbooked_departure_days_max.value
            )
            yield self.env.timeout(days)
        self.departed_independently(person)

    def departed_independently(self, person: Person) -> None:
        self.close(person, "departed", {"mode": "independent",
                                        "destination": self.destination(person),
                                        "evidence": "iom_confirmation"})  # fmt: skip


def person_process(world: World, person: Person) -> Generator[simpy.Event, Any, None]:
    """A person's whole case, from intake to the closing event (or the end of the run)."""
    p, rng, env = world.params, person.rng, world.env
    data: dict[str, Any] = {"nationality": person.nationality, "track": person.track}
    if person.unaccompanied_minor:
        data["unaccompanied_minor"] = True
    elif person.family:
        data["family"] = person.family
    world.emit("intake", person, data)
    if person.pending and person.pending["until"] == math.inf:  # back after an asylum procedure
        yield env.timeout(MINUTE)
        world.emit("procedure_decided", person,
                   {"reference": person.pending["reference"], "outcome": "rejected"})  # fmt: skip
        person.pending = None
        person.decisions += 1
    yield env.timeout(5 * MINUTE)
    person.location = pick(rng, p.locations.initial)
    if person.family and person.track != "dublin" and person.location != "emergency_reception":
        # Families obliged to leave live at the family locations (PROCESS.md, bottleneck 2);
        # the crisis placements at emergency reception take families too.
        person.location = "family_location"
    if person.track == "dublin" and person.location == "prison":
        # Imprisonment extends a Dublin deadline to 12 months (RULES.md §2), which the Dublin
        # track does not model: Dublin claimants are not placed in prison.
        person.location = "azc"
    world.emit("location_changed", person, {"kind": person.location})
    if person.location == "emergency_reception":
        stay = wait(rng, p.locations.emergency_reception_stay_days_mean.value)
        person.leaves_emergency = env.now + stay
    yield from (dublin_path if person.track == "dublin" else return_path)(world, person)
