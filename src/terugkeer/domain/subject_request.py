"""A data subject's request (AVG art. 15-16) as the privacy officer names it: the reason for
reading a person's data goes into the access log's chain, which covers it for good — so it
must say which request, never who asked.

Retention can pseudonymise a V-number in the log, but not free text the chain covers
(docs/access-log.md). So the reason is a request's reference ("AVG-2026-0042 art. 15"), in a
form that cannot hold a V-number or a citizen service number (no five digits in a row), nor
much of a name (ASCII letters, digits and a few separators only, at most 80 characters).
"""

from __future__ import annotations

import re

MAX_REASON = 80
_ALLOWED = re.compile(r"[A-Za-z0-9 ._:/#()-]+", re.ASCII)
_LONG_NUMBER = re.compile(r"[0-9]{5,}", re.ASCII)


def reason_problem(text: str) -> str | None:
    """Why `text` cannot be logged as the reason of a look at a person's data; None when it
    can. The codes: `missing`, `too_long`, `characters`, `number`."""
    text = text.strip()
    if len(text) < 3:
        return "missing"
    if len(text) > MAX_REASON:
        return "too_long"
    if not _ALLOWED.fullmatch(text):
        return "characters"
    if _LONG_NUMBER.search(text):
        return "number"
    return None


#: Each problem in one English sentence (the CLI's; a page says it in the reader's language).
PROBLEMS = {
    "missing": "give the reference of the request (at least 3 characters)",
    "too_long": f"the reference is at most {MAX_REASON} characters",
    "characters": "the reference may hold letters A-Z, digits, spaces and . _ : / # ( ) - only "
    "(it is kept in the access log for good: no names)",
    "number": "the reference may not hold five or more digits in a row (no V-number or "
    "citizen service number)",
}
