"""Country codes accepted in chain events (EVENTS.md, "Countries")."""

from __future__ import annotations

import pycountry

from terugkeer.domain.messages import Message, say

#: ISO 3166-1 alpha-3 codes, plus XKX (Kosovo, as the EU uses it).
COUNTRIES: frozenset[str] = frozenset(
    {str(country.alpha_3) for country in pycountry.countries} | {"XKX"}
)

#: XXA stateless, XXX unknown: allowed as a nationality only.
NATIONALITY_ONLY: frozenset[str] = frozenset({"XXA", "XXX"})

NATIONALITIES: frozenset[str] = COUNTRIES | NATIONALITY_ONLY

EU_27: frozenset[str] = frozenset(
    {
        "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN",
        "FRA", "DEU", "GRC", "HUN", "IRL", "ITA", "LVA", "LTU", "LUX",
        "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
    }
)  # fmt: skip

#: Where a Dublin claim can go: the EU 27 other than the Netherlands, plus the associated states.
DUBLIN_MEMBER_STATES: frozenset[str] = (EU_27 - {"NLD"}) | {"ISL", "LIE", "NOR", "CHE"}

NOT_A_CODE = say("is not an ISO 3166-1 alpha-3 code")


def nationality_problem(code: str) -> Message | None:
    return None if code in NATIONALITIES else NOT_A_CODE


def country_problem(code: str) -> Message | None:
    if code in COUNTRIES:
        return None
    if code in NATIONALITY_ONLY:
        return say("must be a country; %(code)s is allowed only as a nationality", code=code)
    return NOT_A_CODE


def member_state_problem(code: str) -> Message | None:
    if code in DUBLIN_MEMBER_STATES:
        return None
    return say(
        "must be a Dublin member state: an EU 27 state other than NLD, or ISL, LIE, NOR, CHE"
    )
