"""A partner's reach (domain/reach.py): shares, the custody and escorted-flight rules, and the
property that makes the attack fail — no event of an untrusted sender (least of all the
partner's own) ever brings a person into reach."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from terugkeer.domain.reach import CUSTODY, ESCORTED_FLIGHT, Fact, ReachRule, Share, ground

TODAY = date(2026, 5, 1)
DJI = ReachRule(1, "dji", CUSTODY, 0, frozenset({"DTENV"}))
KMAR = ReachRule(2, "kmar", ESCORTED_FLIGHT, 14, frozenset({"DTENV"}))


def placed(seq: int, kind: str, source: str = "DTENV") -> Fact:
    return Fact(seq, "location_changed", source, seq * 1_000, kind=kind)


def booked(seq: int, day: date, escort: str = "kmar", source: str = "DTENV") -> Fact:
    return Fact(seq, "flight_booked", source, seq * 1_000, escort, f"f-{seq}", day)


def test_a_running_share_of_this_partner_is_a_ground() -> None:
    assert ground("dji", "DJI", TODAY, [Share(7, "dji", TODAY)], [], []) == "share 7"
    assert ground("dji", "DJI", TODAY, [Share(7, "dji", TODAY - timedelta(1))], [], []) is None
    assert ground("kmar", "KMAR", TODAY, [Share(7, "dji", TODAY)], [], []) is None


def test_custody_by_the_agencys_facts_not_the_partners_own() -> None:
    assert ground("dji", "DJI", TODAY, [], [DJI], [placed(1, "detention")]) == "rule 1"
    assert ground("dji", "DJI", TODAY, [], [DJI], [placed(1, "detention", "DJI")]) is None
    started = Fact(1, "detention_started", "DTENV", 1_000)
    ended = Fact(2, "detention_ended", "DJI", 2_000, "released_by_court")
    assert ground("dji", "DJI", TODAY, [], [DJI], [started]) == "rule 1"
    assert ground("dji", "DJI", TODAY, [], [DJI], [started, ended]) is None  # narrowing counts
    # A rule configured to trust the partner's own source still never trusts it.
    trusting = ReachRule(3, "dji", CUSTODY, 0, frozenset({"DTENV", "DJI"}))
    assert ground("dji", "DJI", TODAY, [], [trusting], [placed(1, "prison", "DJI")]) is None


def test_an_escorted_flight_due_within_the_rules_days_and_not_cancelled() -> None:
    soon = booked(1, TODAY + timedelta(days=14))
    assert ground("kmar", "KMAR", TODAY, [], [KMAR], [soon]) == "rule 2"
    assert ground("kmar", "KMAR", TODAY, [], [KMAR], [booked(1, TODAY + timedelta(15))]) is None
    assert ground("kmar", "KMAR", TODAY, [], [KMAR], [booked(1, TODAY - timedelta(1))]) is None
    assert ground("kmar", "KMAR", TODAY, [], [KMAR], [booked(1, TODAY, "none")]) is None
    assert ground("kmar", "KMAR", TODAY, [], [KMAR], [booked(1, TODAY, source="KMAR")]) is None
    cancelled = Fact(2, "flight_cancelled", "DTENV", 2_000, "medical", "f-1")
    assert ground("kmar", "KMAR", TODAY, [], [KMAR], [soon, cancelled]) is None


_KINDS = st.sampled_from(["detention", "prison", "azc", "unknown"])
_TYPES = st.sampled_from(["location_changed", "detention_started", "detention_ended",
                          "flight_booked", "flight_cancelled"])  # fmt: skip


@st.composite
def _facts(draw: st.DrawFn, source: st.SearchStrategy[str]) -> Fact:
    seq = draw(st.integers(1, 50))
    kind = draw(_TYPES)
    place = draw(_KINDS) if kind == "location_changed" else draw(st.sampled_from(["kmar", "-"]))
    return Fact(seq, kind, draw(source), draw(st.integers(0, 10)) * 1_000, place,
                draw(st.sampled_from(["f-1", "f-2"])),
                TODAY + timedelta(days=draw(st.integers(-3, 20))))  # fmt: skip


@given(
    st.lists(_facts(st.sampled_from(["DTENV", "COA"])), max_size=6),
    st.lists(_facts(st.sampled_from(["DJI", "KMAR"])), min_size=1, max_size=4),
)
def test_the_partners_own_facts_never_widen_its_reach(
    known: list[Fact], asserted: list[Fact]
) -> None:
    """DJI and KMar adding facts of their own (any type, any order) never turn a person
    outside their reach into one inside it."""
    seqs = {f.seq for f in known}
    extra = [f for f in asserted if f.seq not in seqs]
    for partner, source, rule in (("dji", "DJI", DJI), ("kmar", "KMAR", KMAR)):
        rules = [ReachRule(rule.id, rule.partner, rule.kind, rule.days,
                           frozenset({"DTENV", "COA", source}))]  # fmt: skip
        before = ground(partner, source, TODAY, [], rules, known)
        after = ground(partner, source, TODAY, [], rules, [*known, *extra])
        assert before is not None or after is None
