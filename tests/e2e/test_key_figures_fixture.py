"""Acceptance test: the key figures of a hand-built caseload, end to end through the CLI.

`fixtures/key_figures_people.jsonl` holds 206 chain events (v1 format, EVENTS.md) of 39 people,
V-numbers 9000000001..9000000039, event ids `t-<person>-<n>` in receipt order. Every expected number
below was worked out by hand from the definitions in EVENTS.md ("Figures derived from the events")
and RULES.md section 2 (Dublin transfer deadline); the tables say who contributes what.

Periods (dates are Europe/Amsterdam calendar days, both ends inclusive):
  Y23 = 2023-01-01..2023-12-31   A23 = 2023-04-01..2023-04-30   J23 = 2023-06-01..2023-06-30
  J24 = 2024-01-01..2024-01-31   F24 = 2024-02-01..2024-02-29
"end" = the caseload at the end of `to` (events on or before that local day only).
"(late)" marks an event received after an event of the same case dated later (out-of-order).
Dates written MM-DD are in 2023. [Y23,A23] = counted in the period figures of Y23 and A23.

Per person (P001 = 9000000001; dates local; track "dublin" cases are excluded from nationalities)
----------------------------------------------------------------------------------------------
P001 MAR asylum. intake IND 01-16 [Y23]; interview 02-01 [Y23]; doc request 02-10 [Y23],
     confirmed 03-20 [Y23]; flight booked 04-05 [Y23,A23]; departed forced 04-20 (written 12:00Z)
     [Y23,A23]. Open 2023-01-16..04-20: in no "end" caseload.
P002 DZA illegal_stay. intake POLITIE 2022-12-31T23:30+00:00 = 2023-01-01 00:30 local [Y23];
     interview 01-10 [Y23]; absconded 2023-03-31T22:30Z = 04-01 00:30 local (CEST) [Y23,A23].
P003 IRQ asylum, intake IND 2022-06-10. interview 2022-07-05; departed independent 06-12 [Y23,J23];
     interview 06-01 (late, after the departure was received) [Y23,J23]. end: A23.
P004 SYR dublin, intake IND 2022-11-15. accepted ESP 2022-12-31 -> deadline 2023-06-30, still open
     -> Dublin expired [Y23,J23]; interview 02-14 [Y23]; exit asylum_procedure 07-06 [Y23].
     end: A23, J23.
P005 SYR dublin. intake IND 02-01 [Y23]; accepted DEU 03-14 -> deadline 09-14, open -> expired
     [Y23]; azc 02-02 (late); exit asylum_procedure 09-20 [Y23]. end: A23, J23.
P006 AFG dublin. intake IND 04-17 [Y23,A23]; accepted BEL 05-10; appeal (suspensive) started 05-25,
     rejected 07-18 -> base date 07-18 -> deadline 2024-01-18, open -> expired [J24] (without the
     appeal it would be 2023-11-10); interview 08-02 [Y23]; exit asylum_procedure 2024-01-24 [J24].
     end: A23, J23, Y23. Decisions: 0 at A23; 0 + pending at J23 (no decision -> not counted);
     1 at Y23 (with_decision only).
P007 ERI dublin. intake KMAR 01-20 [Y23]; accepted ITA 01-31; prison 04-10..09-01 (inside the
     6-month window ending 07-31) -> 12 months -> deadline 2024-01-31 (last day of J24), open
     -> expired [J24]; interview 09-15 [Y23]; exit asylum_procedure 2024-02-06 [F24].
     end: A23, J23, Y23, J24.
P008 TUR dublin. intake IND 08-01 [Y23]; accepted POL 2023-08-31 -> deadline 2024-02-29, open ->
     expired [F24]; azc 08-02 (late); interview 2024-02-07 [F24]; exit 2024-03-05 (no period).
     end: Y23, J24, F24.
P009 GEO dublin. intake IND 03-01 [Y23]; accepted DEU 04-12 (deadline 10-12: not expired,
     transferred before); flight booked 06-01 [Y23,J23]; departed forced DEU dublin_transfer 06-14
     [Y23,J23: forced + Dublin transferred]. end: A23.
P010 IRQ dublin. intake IND 04-03 [Y23,A23]; accepted BEL 05-02 (deadline 11-02: not expired,
     transferred before); departed forced BEL dublin_transfer 06-27 [Y23,J23]. end: A23.
P011 MAR dublin. intake IND 05-02 [Y23]; accepted FRA 06-05 (deadline 12-05: not expired, case
     closed before); absconded 09-10 [Y23]. end: J23.
P012 GEO dublin. intake IND 09-01 [Y23]; accepted BEL 10-02; departed INDEPENDENT BEL
     dublin_transfer 11-20 [Y23: independent + Dublin transferred]. In no "end" caseload.
P013 NGA dublin. intake IND 10-16 [Y23]; ITA refused; accepted DEU 11-20 (deadline 2024-05-20);
     flight booked 2024-01-02 [J24]; departed forced DEU dublin_transfer 2024-01-09 [J24]. end: Y23.
P014 IRN asylum, intake IND 2022-03-01. 4 procedures, decided 2022-08-01, 2022-12-01, 2023-03-15,
     2023-06-15 -> decisions at A23: 3 + one pending (started 03-20); at J23..F24: 4 (>= 4);
     interview 07-03 [Y23]. end: all five.
P015 ALB regular. intake POLITIE 02-15 [Y23]; procedure started 03-01 (non-suspensive), decided
     05-10; interviews 05-30 [Y23], 2024-01-16 [J24]; asylum procedure started 2024-01-22, pending.
     Decisions: A23 0 (not counted); J23, Y23 1 (with only); J24, F24 1 + pending (share).
     end: all five.
P016 IRQ asylum, intake IND 2022-10-03. decision 2023-01-20; procedure "other" non-suspensive
     started 08-01, never decided; interview 02-06 (late) [Y23]. A23, J23: with only; Y23..F24:
     with + share. end: all five.
P017 NGA. case 1 (asylum, IND 2022-01-10): emergency reception, decision 2022-04-11, exit other
     2022-06-01. RE-ENTRY: intake POLITIE 2023-03-06 [Y23] (illegal_stay); interview 03-20 [Y23];
     no location in case 2 -> not at emergency reception. Decision of the closed case counts:
     with_decision (1 decision, nothing pending) at every period. end: all five.
P018 PAK asylum. intake IND 01-05 [Y23]; decisions 04-20 and 09-12 (second started 05-01);
     interview 10-02 [Y23]. A23: 1 (with only); J23: 1 + pending (share); Y23..F24: 2 (share).
     end: all five.
P019 SOM asylum. intake COA 05-10 [Y23 other]; emergency reception 05-12; interview 05-25 [Y23].
     end: J23, Y23, J24, F24, each at emergency reception.
P020 ERI asylum. intake COA 02-01 [Y23 other]; emergency reception 02-02; interview 02-20 [Y23];
     azc 07-01. end: all five; at emergency reception at A23 and J23 only.
P021 MAR asylum. intake COA 03-01 [Y23 other]; emergency reception 03-05; interview 03-15 [Y23];
     departed independent 10-10 [Y23]. end: A23, J23 (both at emergency reception).
P022 IRQ asylum. intake IND 08-01 [Y23]; azc 11-01, then emergency reception dated 10-01 (late) ->
     latest by time is azc: not at emergency reception; interview 11-15 [Y23]; asylum_repeat
     started 12-10, decided 2024-01-22 -> Y23: pending, 0 decisions (not counted); J24, F24: 1
     (with only). end: Y23, J24, F24.
P023 DZA illegal_stay. intake POLITIE 06-20 [Y23,J23]; emergency reception 12-01, then azc dated
     07-01 (late) -> latest by time is emergency reception [Y23 end]; interview 12-12 [Y23];
     departed independent 2024-01-15 [J24]. end: J23 (no location yet), Y23.
P024 SYR asylum. intake IND 04-05 [Y23,A23]; emergency reception 04-06T10:00+02:00, then
     family_location at the same instant (08:00Z), received later -> comes after: not at emergency
     reception; interview 04-18 [Y23,A23]. end: A23, J23, Y23, J24, F24.
P025 DZA criminal. intake DJI 05-01 [Y23 other]; medical_postponement started 05-15, decided 06-02;
     doc request 05-20 [Y23], confirmed 06-08 [Y23,J23]; flight booked 06-10 [Y23,J23], cancelled
     06-20 (still counts); flight booked 07-10 [Y23]; departed forced 07-20 [Y23]. end: J23
     (1 decision, nothing pending: with only).
P026 DZA asylum, intake IND 2022-09-12. doc request (DZA) 01-16 [Y23], answered not_national 04-12
     (not a confirmation); doc request (MAR) 04-20 [Y23,A23], confirmed 10-05 [Y23]; interview
     10-20 [Y23]. end: all five.
P027 GIN asylum, intake IND 2022-10-20. doc request 2022-11-01, answered withdrawn 2023-11-02
     (not a confirmation); interview 2022-10-25 (late). Counts in no period figure. end: all five.
P028 ALB illegal_stay. intake KMAR 2023-12-31T23:30Z = 2024-01-01 00:30 local [J24, not Y23];
     interview 01-03 [J24]; doc request 01-10 [J24], confirmed 01-29 [J24]; flight booked 02-05
     [F24]; departed independent 2024-03-01 (no period). end: J24, F24.
P029 SYR asylum, intake IND 2022-12-05. procedure started 01-10, granted 06-20; exit
     residence_permit 06-28 [Y23,J23]. end: A23 (0 decisions then).
P030 LBY criminal. intake DJI 02-20 [Y23 other]; interview 03-08 [Y23]; detention ended by court and
     exit other 06-05 [Y23,J23]. end: A23.
P031 DZA illegal_stay. intake POLITIE 03-13 [Y23]; interview 03-22 [Y23]; absconded 06-20 [Y23,J23].
     end: A23.
P032 MAR illegal_stay. intake KMAR 01-09 [Y23]; absconded 02-20 [Y23]; RE-ENTRY intake POLITIE 08-14
     [Y23] (two intakes of one person in one year: inflow 2); interview 08-20 [Y23].
     end: Y23, J24, F24.
P033 MAR regular, intake IND 2022-05-16. interview 01-25 [Y23]; doc request 06-19 [Y23,J23].
     end: all five.
P034 MAR criminal. intake DJI 11-06 [Y23 other]; interview 11-20 [Y23]. end: Y23, J24, F24.
P035 DZA illegal_stay. intake KMAR 07-03 [Y23]; interview 07-12 [Y23]; absconded 2024-01-20 [J24].
     end: Y23.
P036 SOM asylum (unaccompanied minor). intake COA 09-18 [Y23 other]; interview 10-04 [Y23].
     end: Y23, J24, F24.
P037 MAR asylum. intake IND 2024-01-15 [J24]; emergency reception 01-16; interview 01-25 [J24].
     end: J24, F24 (at emergency reception).
P038 AFG illegal_stay. intake POLITIE 2024-01-31T23:30Z = 2024-02-01 00:30 local [F24, not J24];
     interview 02-08 [F24]. end: F24.
P039 IRQ regular. intake GEMEENTE 2024-02-12 [F24 other]; procedure started 02-14, decided 02-26
     (with only). end: F24.

Per period (sums of the above)
------------------------------
Y23  inflow 28: IND 12 (P001 P005 P006 P008 P009 P010 P011 P012 P013 P018 P022 P024),
       POLITIE 6 (P002 P015 P017 P023 P031 P032b), KMAR 3 (P007 P032a P035),
       other 7 (COA P019 P020 P021 P036; DJI P025 P030 P034)
     interviews 25: P001 P002 P003 P004 P006 P007 P014 P015 P016 P017 P018 P019 P020 P021 P022
       P023 P024 P026 P030 P031 P032 P033 P034 P035 P036
     closed 15: independent 3 (P003 P012 P021), forced 4 (P001 P009 P010 P025), absconded 4
       (P002 P011 P031 P032), exit 4 = asylum_procedure 2 (P004 P005) + residence_permit 1 (P029)
       + other 1 (P030); demonstrable 7; rate 7/11
     flights 4 (P001, P009, P025 x2); doc requests 5 (P001, P025, P026 x2, P033);
     confirmations 3 (P001, P025, P026)
     Dublin transferred 3 (P009 DEU, P010 BEL, P012 BEL), member states 2; expired 2 (P004 06-30,
       P005 09-14)
     caseload 21: dublin P006 P007 P008 P013; others P014 P015 P016 P017 P018 P019 P020 P022 P023
       P024 P026 P027 P032 P033 P034 P035 P036
     repeated: with_decision 6 (P006 P014 P015 P016 P017 P018); share 3/6 (P014 P016 P018);
       four_or_more 1 (P014)
     nationalities (non-dublin): DZA 3 (P023 P026 P035), MAR 3 (P032 P033 P034), IRQ 2 (P016 P022),
       SOM 2 (P019 P036), then 1 each ALB ERI GIN IRN NGA PAK | SYR (P024) is 11th, cut
     emergency reception 2 (P019 P023)
A23  inflow 3 IND (P006 P010 P024); interviews 1 (P024); closed 2: forced P001, absconded P002;
     rate 1/2; flights 1 (P001); doc requests 1 (P026); confirmations 0 (P026 not_national);
     Dublin 0/0/0; caseload 21: P003 P004 P005 P006 P007 P009 P010 P014 P015 P016 P017 P018 P020
     P021 P024 P026 P027 P029 P030 P031 P033 (dublin: P004 P005 P006 P007 P009 P010)
     repeated: with 4 (P014 P016 P017 P018), share 1/4 (P014: 3 + pending), four_or_more 0
     nationalities: DZA 2 (P026 P031), IRQ 2 (P003 P016), MAR 2 (P021 P033), SYR 2 (P024 P029),
       ALB ERI GIN IRN LBY NGA 1 | PAK cut
     emergency reception 2 (P020 P021)
J23  inflow 1 POLITIE (P023); interviews 1 (P003); closed 6: independent P003, forced P009 P010,
     absconded P031, exit residence_permit P029 + other P030; rate 3/4; flights 2 (P009, first of
     P025); doc requests 1 (P033); confirmations 1 (P025); Dublin transferred 2 (DEU, BEL),
     states 2, expired 1 (P004, deadline 06-30 = last day of the period)
     caseload 19: P004 P005 P006 P007 P011 (dublin) P014 P015 P016 P017 P018 P019 P020 P021 P023
       P024 P025 P026 P027 P033
     repeated: with 6 (P014 P015 P016 P017 P018 P025), share 2/6 (P014 4 decisions, P018 pending),
       four_or_more 1 (P014)
     nationalities: DZA 3 (P023 P025 P026), MAR 2 (P021 P033), ALB ERI GIN IRN IRQ NGA PAK SOM 1
       | SYR cut
     emergency reception 3 (P019 P020 P021)
J24  inflow 2: IND P037, KMAR P028; interviews 3 (P015 P028 P037); closed 4: independent P023,
     forced P013, absconded P035, exit asylum_procedure P006; rate 2/3; flights 1 (P013);
     doc requests 1, confirmations 1 (P028); Dublin transferred 1 (DEU), states 1, expired 2
     (P006 01-18, P007 01-31)
     caseload 19: P007 P008 (dublin) P014 P015 P016 P017 P018 P019 P020 P022 P024 P026 P027 P028
       P032 P033 P034 P036 P037
     repeated: with 6 (P014 P015 P016 P017 P018 P022), share 4/6 (P014 P015 P016 P018),
       four_or_more 1
     nationalities: MAR 4 (P032 P033 P034 P037), ALB 2 (P015 P028), IRQ 2 (P016 P022),
       SOM 2 (P019 P036), DZA ERI GIN IRN NGA PAK 1 | SYR cut
     emergency reception 2 (P019 P037)
F24  inflow 2: POLITIE P038, other P039 (GEMEENTE); interviews 2 (P008 P038); closed 1: exit
     asylum_procedure P007; rate null (no departures, no abscondings); flights 1 (P028);
     doc requests 0; confirmations 0; Dublin 0/0, expired 1 (P008 02-29)
     caseload 20: J24's 19 - P007 + P038 + P039
     repeated: with 7 (J24's 6 + P039), share 4/7, four_or_more 1
     nationalities: MAR 4, IRQ 3 (P016 P022 P039), ALB 2, SOM 2, AFG DZA ERI GIN IRN NGA 1
       | PAK SYR cut
     emergency reception 2 (P019 P037)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixtures" / "key_figures_people.jsonl"
FIXTURE_LINES = 206


def _run_cli(*args: str) -> tuple[int, Any, str]:
    """Run `python -m terugkeer ARGS`; return (exit code, stdout parsed as JSON, stderr)."""
    # A host time zone far from Amsterdam: the figures must not depend on the machine's clock zone.
    env = {**os.environ, "TZ": "America/New_York"}
    proc = subprocess.run(
        [sys.executable, "-m", "terugkeer", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    try:
        payload = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"`terugkeer {' '.join(args)}` did not print one JSON object (exit {proc.returncode})\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc.returncode, payload, proc.stderr


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, Any, str]:
    """A fresh store with the fixture imported once: (database url, exit code, summary, stderr)."""
    db = tmp_path_factory.mktemp("key_figures") / "store.db"
    url = f"sqlite:///{db}"
    code, summary, stderr = _run_cli(
        "import", str(FIXTURE), "--database-url", url, "--format", "json"
    )
    return url, code, summary, stderr


def test_fixture_has_the_counted_number_of_lines() -> None:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == FIXTURE_LINES
    assert all(line.strip() for line in lines)


def test_import_accepts_every_line(imported: tuple[str, int, Any, str]) -> None:
    _url, code, summary, stderr = imported
    assert summary == {"accepted": FIXTURE_LINES, "known": 0, "rejected": []}, stderr
    assert code == 0


def test_second_import_reports_every_line_as_known(imported: tuple[str, int, Any, str]) -> None:
    url = imported[0]
    code, summary, stderr = _run_cli(
        "import", str(FIXTURE), "--database-url", url, "--format", "json"
    )
    assert summary == {"accepted": 0, "known": FIXTURE_LINES, "rejected": []}, stderr
    assert code == 0


def _top(ranking: str) -> list[dict[str, Any]]:
    """`"DZA:3 MAR:3"` -> `[{"nationality": "DZA", "count": 3}, {"nationality": "MAR", ...}]`."""
    pairs = (item.split(":") for item in ranking.split())
    return [{"nationality": code, "count": int(count)} for code, count in pairs]


EXPECTED: dict[str, dict[str, Any]] = {
    "2023": {
        "period": {"from": "2023-01-01", "to": "2023-12-31"},
        "inflow": 28,
        "inflow_by_source": {"IND": 12, "POLITIE": 6, "KMAR": 3, "other": 7},
        "departure_interviews": 25,
        "closed_procedures": {
            "total": 15,
            "independent_departure": 3,
            "forced_departure": 4,
            "absconded": 4,
            "exit_without_departure": {
                "total": 4,
                "asylum_procedure": 2,
                "residence_permit": 1,
                "other": 1,
            },
        },
        "demonstrable_departure": 7,
        "demonstrable_departure_rate": pytest.approx(7 / 11),
        "flights_booked": 4,
        "travel_document_requests": 5,
        "nationality_confirmations": 3,
        "dublin": {"transferred": 3, "member_states": 2, "expired": 2},
        "caseload": 21,
        "repeated_procedures": {
            "with_decision": 6,
            "two_or_more_or_pending_share": pytest.approx(3 / 6),
            "four_or_more": 1,
        },
        "top_nationalities": _top("DZA:3 MAR:3 IRQ:2 SOM:2 ALB:1 ERI:1 GIN:1 IRN:1 NGA:1 PAK:1"),
        "at_emergency_reception": 2,
    },
    "2023-04": {
        "period": {"from": "2023-04-01", "to": "2023-04-30"},
        "inflow": 3,
        "inflow_by_source": {"IND": 3, "POLITIE": 0, "KMAR": 0, "other": 0},
        "departure_interviews": 1,
        "closed_procedures": {
            "total": 2,
            "independent_departure": 0,
            "forced_departure": 1,
            "absconded": 1,
            "exit_without_departure": {
                "total": 0,
                "asylum_procedure": 0,
                "residence_permit": 0,
                "other": 0,
            },
        },
        "demonstrable_departure": 1,
        "demonstrable_departure_rate": pytest.approx(1 / 2),
        "flights_booked": 1,
        "travel_document_requests": 1,
        "nationality_confirmations": 0,
        "dublin": {"transferred": 0, "member_states": 0, "expired": 0},
        "caseload": 21,
        "repeated_procedures": {
            "with_decision": 4,
            "two_or_more_or_pending_share": pytest.approx(1 / 4),
            "four_or_more": 0,
        },
        "top_nationalities": _top("DZA:2 IRQ:2 MAR:2 SYR:2 ALB:1 ERI:1 GIN:1 IRN:1 LBY:1 NGA:1"),
        "at_emergency_reception": 2,
    },
    "2023-06": {
        "period": {"from": "2023-06-01", "to": "2023-06-30"},
        "inflow": 1,
        "inflow_by_source": {"IND": 0, "POLITIE": 1, "KMAR": 0, "other": 0},
        "departure_interviews": 1,
        "closed_procedures": {
            "total": 6,
            "independent_departure": 1,
            "forced_departure": 2,
            "absconded": 1,
            "exit_without_departure": {
                "total": 2,
                "asylum_procedure": 0,
                "residence_permit": 1,
                "other": 1,
            },
        },
        "demonstrable_departure": 3,
        "demonstrable_departure_rate": pytest.approx(3 / 4),
        "flights_booked": 2,
        "travel_document_requests": 1,
        "nationality_confirmations": 1,
        "dublin": {"transferred": 2, "member_states": 2, "expired": 1},
        "caseload": 19,
        "repeated_procedures": {
            "with_decision": 6,
            "two_or_more_or_pending_share": pytest.approx(2 / 6),
            "four_or_more": 1,
        },
        "top_nationalities": _top("DZA:3 MAR:2 ALB:1 ERI:1 GIN:1 IRN:1 IRQ:1 NGA:1 PAK:1 SOM:1"),
        "at_emergency_reception": 3,
    },
    "2024-01": {
        "period": {"from": "2024-01-01", "to": "2024-01-31"},
        "inflow": 2,
        "inflow_by_source": {"IND": 1, "POLITIE": 0, "KMAR": 1, "other": 0},
        "departure_interviews": 3,
        "closed_procedures": {
            "total": 4,
            "independent_departure": 1,
            "forced_departure": 1,
            "absconded": 1,
            "exit_without_departure": {
                "total": 1,
                "asylum_procedure": 1,
                "residence_permit": 0,
                "other": 0,
            },
        },
        "demonstrable_departure": 2,
        "demonstrable_departure_rate": pytest.approx(2 / 3),
        "flights_booked": 1,
        "travel_document_requests": 1,
        "nationality_confirmations": 1,
        "dublin": {"transferred": 1, "member_states": 1, "expired": 2},
        "caseload": 19,
        "repeated_procedures": {
            "with_decision": 6,
            "two_or_more_or_pending_share": pytest.approx(4 / 6),
            "four_or_more": 1,
        },
        "top_nationalities": _top("MAR:4 ALB:2 IRQ:2 SOM:2 DZA:1 ERI:1 GIN:1 IRN:1 NGA:1 PAK:1"),
        "at_emergency_reception": 2,
    },
    "2024-02": {
        "period": {"from": "2024-02-01", "to": "2024-02-29"},
        "inflow": 2,
        "inflow_by_source": {"IND": 0, "POLITIE": 1, "KMAR": 0, "other": 1},
        "departure_interviews": 2,
        "closed_procedures": {
            "total": 1,
            "independent_departure": 0,
            "forced_departure": 0,
            "absconded": 0,
            "exit_without_departure": {
                "total": 1,
                "asylum_procedure": 1,
                "residence_permit": 0,
                "other": 0,
            },
        },
        "demonstrable_departure": 0,
        "demonstrable_departure_rate": None,
        "flights_booked": 1,
        "travel_document_requests": 0,
        "nationality_confirmations": 0,
        "dublin": {"transferred": 0, "member_states": 0, "expired": 1},
        "caseload": 20,
        "repeated_procedures": {
            "with_decision": 7,
            "two_or_more_or_pending_share": pytest.approx(4 / 7),
            "four_or_more": 1,
        },
        "top_nationalities": _top("MAR:4 IRQ:3 ALB:2 SOM:2 AFG:1 DZA:1 ERI:1 GIN:1 IRN:1 NGA:1"),
        "at_emergency_reception": 2,
    },
}


@pytest.mark.parametrize("period", list(EXPECTED))
def test_key_figures(imported: tuple[str, int, Any, str], period: str) -> None:
    url, import_code, _summary, _stderr = imported
    assert import_code == 0, "the fixture import failed; see test_import_accepts_every_line"
    expected = EXPECTED[period]
    code, figures, stderr = _run_cli(
        "report",
        "key-figures",
        "--from",
        expected["period"]["from"],
        "--to",
        expected["period"]["to"],
        "--format",
        "json",
        "--database-url",
        url,
    )
    assert code == 0, stderr
    assert figures == expected
