"""Synthetic events — made by the simulator or the benchmark — and where they may go.

Synthetic data contains no real person, but it looks real: a store that took in simulated
facts would report people who do not exist, and a demo store that took in a partner feed would
hold real personal data where nobody expects it. So synthetic events are marked, and a store
holds either real events or synthetic ones, never both (the event store enforces it).
"""

from __future__ import annotations

import random

from terugkeer.domain.messages import Message, say

#: Ids the simulator (`sim-<seed>-<n>`) and the benchmark (`syn-<person>-<n>`) write. Partners
#: prefix ids with their own name (EVENTS.md), so these never occur in a real feed.
SYNTHETIC_ID_PREFIXES = ("sim-", "syn-")

#: Synthetic people get V-numbers from this range (000xxxxxxx), so that no simulated person can
#: carry a real person's number. Assumption, to be confirmed with the IND (which issues
#: V-numbers) and the privacy officer: no issued V-number starts with 000.
SYNTHETIC_V_NUMBER_PREFIX = "000"


def is_synthetic(event_id: str) -> bool:
    return event_id.startswith(SYNTHETIC_ID_PREFIXES)


def own_event_id(key: str, synthetic: bool) -> str:
    """The id of an event the agency records itself (a page's form, a retraction), made from a
    submission key: synthetic in a store of synthetic events (the demo: what is recorded there
    is demo data like the rest), the agency's own prefix otherwise."""
    return f"sim-dtenv-{key}" if synthetic else f"dtenv-{key}"


def synthetic_v_number(rng: random.Random) -> str:
    return f"{SYNTHETIC_V_NUMBER_PREFIX}{rng.randrange(10**7):07d}"


def mixing_error(event_id: str, store_synthetic: bool) -> Message:
    """Why `event_id` may not join the store; says what to do instead."""
    if store_synthetic:
        return say(
            "the store holds synthetic events (ids 'sim-'/'syn-') and %(id)s is not one: "
            "real case data is imported into the production store, never into a demo or "
            "simulation store", id=repr(event_id),
        )  # fmt: skip
    return say(
        "%(id)s is a synthetic event (simulator or benchmark) and this store holds real "
        "case data: import simulations into a store of their own (--database-url)",
        id=repr(event_id),
    )
