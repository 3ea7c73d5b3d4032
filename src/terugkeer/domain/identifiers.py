"""The forms of the identifiers the system itself may write into a log: a V-number, a family id.

ASCII digits only: `\\d` and str.isdigit() also accept other scripts' digits (the
Arabic-Indic "١٢٣", the full-width ones), which no V-number has — a value of such digits is
something a person typed or forged, and is never logged as a V-number.
"""

from __future__ import annotations

import re

V_NUMBER = re.compile(r"[0-9]{10}", re.ASCII)
#: The family ids this system gives (the simulation's `fam-<run>-<n>`, the demo's `fam-<n>`).
#: A partner's own family id is free text and may hold a name: it has no place in a log. At
#: most nine digits a part: ten in a row may be a V-number.
FAMILY_ID = re.compile(r"fam-[0-9]{1,9}(?:-[0-9]{1,9})?", re.ASCII)


def is_v_number(text: str | None) -> bool:
    return text is not None and V_NUMBER.fullmatch(text) is not None


def is_family_id(text: str | None) -> bool:
    return text is not None and FAMILY_ID.fullmatch(text) is not None
