"""What a chosen password must be (NIST SP 800-63B §5.1.1.2, memorized secrets): long enough,
not absurdly long, not blank, not the user's own name, not on a list of common and breached
passwords. No composition rules (digits, capitals) and no expiry: NIST advises against both.

Pure: the list is given by the caller (package data, terugkeer.passwords)."""

from __future__ import annotations

from collections.abc import Container

#: The shortest password accepted (NIST asks at least 8; the agency's baseline is 12).
MIN_PASSWORD = 12
#: The longest: NIST asks at least 64 be allowed; a bound keeps one argon2 hash cheap.
MAX_PASSWORD = 256
#: A user name this long or longer is refused inside a password too ("anna" in "anna2026!x..."):
#: a shorter one is too likely to occur by chance in a passphrase.
NAME_INSIDE_FROM = 4


def password_problem(password: str, user_name: str, common: Container[str]) -> str | None:
    """None when `password` may be chosen by or for `user_name`, else the reason: too_short,
    too_long, blank, is_name or common (a key the pages and the CLI put in words)."""
    if len(password) < MIN_PASSWORD:
        return "too_short"
    if len(password) > MAX_PASSWORD:
        return "too_long"
    if not password.strip():
        return "blank"
    folded, name = password.strip().casefold(), user_name.casefold()
    if folded == name or (len(name) >= NAME_INSIDE_FROM and name in folded):
        return "is_name"
    if folded in common:
        return "common"
    return None
