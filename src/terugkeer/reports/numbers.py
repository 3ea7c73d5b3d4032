"""Numbers in Dutch and English, by Babel (CLDR): 19.990 and 40,5% in Dutch; 19,990 and 40.5%
in English."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def format_number(value: float, lang: str) -> str:
    """A whole number with thousands separators (a fraction is rounded, halves to even)."""
    return format_decimal(value, "#,##0", locale=LOCALES[lang])


def format_rate(value: float, lang: str) -> str:
    """A share as a percentage with one decimal."""
    return format_percent(value, "#,##0.0%", locale=LOCALES[lang])


def format_figure(value: object, lang: str) -> str:
    """A key figure as the table shows it: a count, a rate (the only floats), "-" for none, and
    anything else (the published "<5") as it is."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return format_rate(value, lang)
    if isinstance(value, int):
        return format_number(value, lang)
    return str(value)
