"""Synthetic, valid v1 chain events for benchmarks and the sample file (no real person).

Not a model of the return process (that is the simulator's job): a fixed, plausible sequence
per person with random choices, so that every line is accepted by `terugkeer import`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from terugkeer.domain.provenance import synthetic_v_number

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NATIONALITIES = ("MAR", "DZA", "SYR", "NGA", "MDA", "TUR", "IRQ", "AFG", "GEO", "TUN", "ERI")
DUBLIN_STATES = ("DEU", "BEL", "FRA", "ITA", "ESP", "AUT", "POL", "CHE", "SWE")
SOURCES = ("IND", "IND", "IND", "IND", "POLITIE", "KMAR", "COA", "DJI")


def _line(
    n: int, person: str, kind: str, at: datetime, source: str, data: dict[str, object]
) -> str:
    event = {
        "id": f"syn-{person}-{n:02d}",
        "type": kind,
        "v_number": person,
        "occurred_at": at.astimezone(AMSTERDAM).isoformat(timespec="seconds"),
        "source": source,
        "data": data,
    }
    return json.dumps(event, separators=(",", ":"))


def person_events(rng: random.Random, person: str, start: datetime) -> list[str]:
    """The lines of one person's case, in receipt order (which is also their time order)."""
    # Arithmetic in UTC: wall-clock arithmetic in Amsterdam would step into the DST gap.
    at, lines = start.astimezone(UTC), list[str]()

    def add(kind: str, source: str, data: dict[str, object], days: float = 0.0) -> None:
        nonlocal at
        at = at + timedelta(days=days, minutes=rng.randrange(1, 600))
        lines.append(_line(len(lines), person, kind, at, source, data))

    dublin = rng.random() < 0.2
    nationality = rng.choice(NATIONALITIES)
    add(
        "intake",
        rng.choice(SOURCES),
        {
            "nationality": nationality,
            "track": "dublin" if dublin else rng.choice(("asylum", "regular", "illegal_stay")),
        },
    )
    add("location_changed", "COA", {"kind": rng.choice(("azc", "emergency_reception", "vbl"))})
    add(
        "interview",
        "DTENV",
        {"kind": "first", "stance": rng.choice(("cooperating", "not_cooperating"))},
        rng.uniform(1, 20),
    )
    if dublin:
        state = rng.choice(DUBLIN_STATES)
        add("dublin_claim", "IND", {"member_state": state, "kind": "take_back"}, rng.uniform(1, 30))
        add("dublin_accepted", "IND", {"member_state": state, "implicit": False}, 20)
        add(
            "flight_booked",
            "DTENV",
            {
                "reference": f"F-{person}",
                "date": at.date().isoformat(),
                "destination": state,
                "escort": "none",
            },
            30,
        )
        add(
            "departed",
            "KMAR",
            {
                "mode": "forced",
                "destination": state,
                "dublin_transfer": True,
                "evidence": "escorted",
            },
            rng.uniform(1, 90),
        )
        return lines
    add(
        "procedure_started",
        "IND",
        {"reference": f"P-{person}", "kind": "asylum_repeat", "suspensive": True},
        rng.uniform(5, 60),
    )
    add(
        "procedure_decided",
        "IND",
        {"reference": f"P-{person}", "outcome": "rejected"},
        rng.uniform(30, 200),
    )
    add("return_decision", "IND", {"departure_term_days": 28}, 1)
    add(
        "interview",
        "DTENV",
        {"kind": "follow_up", "stance": rng.choice(("cooperating", "not_cooperating"))},
        rng.uniform(5, 40),
    )
    add(
        "document_requested",
        "DTENV",
        {"reference": f"D-{person}", "kind": "laissez_passer", "country": nationality},
        rng.uniform(1, 30),
    )
    confirmed = rng.random() < 0.5
    add(
        "document_answered",
        "DTENV",
        {"reference": f"D-{person}", "result": "confirmed" if confirmed else "withdrawn"},
        rng.uniform(10, 200),
    )
    outcome = rng.random()
    if outcome < 0.35:
        add(
            "flight_booked",
            "DTENV",
            {
                "reference": f"F-{person}",
                "date": at.date().isoformat(),
                "destination": nationality,
                "escort": "none",
            },
            10,
        )
        add(
            "departed",
            "KMAR",
            {
                "mode": rng.choice(("independent", "forced")),
                "destination": nationality,
                "evidence": "kmar_exit_check",
            },
            rng.uniform(1, 30),
        )
    elif outcome < 0.65:
        add("absconded", "DTENV", {}, rng.uniform(1, 60))
    elif outcome < 0.85:
        add(
            "exit_without_departure",
            "IND",
            {"reason": rng.choice(("asylum_procedure", "residence_permit", "other"))},
            rng.uniform(1, 60),
        )
    return lines  # still open: part of the caseload


def synthetic_lines(
    count: int, *, seed: int = 1, start: datetime | None = None, span_days: int = 365
) -> Iterator[str]:
    """`count` valid lines for persons whose intakes spread over `span_days` from `start`;
    persons are interleaved in small groups, as partner feeds mix people."""
    rng = random.Random(seed)
    first = start or datetime(2023, 1, 1, 8, 0, tzinfo=AMSTERDAM)
    emitted, used = 0, set[str]()
    while emitted < count:
        group = []
        for _ in range(16):
            v_number = synthetic_v_number(rng)
            if v_number in used:
                continue
            used.add(v_number)
            intake = first + timedelta(minutes=rng.randrange(span_days * 24 * 60))
            group.append(person_events(rng, v_number, intake))
        for index in range(max(len(g) for g in group)):
            for lines in group:
                if index < len(lines) and emitted < count:
                    yield lines[index]
                    emitted += 1
