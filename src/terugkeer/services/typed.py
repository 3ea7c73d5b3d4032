"""Dates, times and amounts as a person types them on a page: Dutch (31-12-2023, 14.30,
1.500,00), English, or from a browser's date picker (2023-12-31). A value that cannot be read
says why, in a sentence that names what to type instead."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from terugkeer.domain.messages import Message, say

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_YEAR_MONTH_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")  # the date picker's value
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


class TypedValueError(ValueError):
    """The typed value is not one; `sentence` says why, for the page to translate."""

    def __init__(self, sentence: Message) -> None:
        super().__init__(str(sentence))
        self.sentence = sentence


def typed_day(raw: str) -> date:
    text = raw.strip()
    if found := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
    elif found := _YEAR_MONTH_DAY.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        raise TypedValueError(say("give the date as day-month-year, for example 31-12-2023"))
    try:
        return date(year, month, day)
    except ValueError:
        raise TypedValueError(say("%(typed)s is not a day", typed=text)) from None


def typed_time(raw: str) -> time:
    found = _TIME.fullmatch(raw.strip())
    try:
        if found is None:
            raise ValueError(raw)
        return time(int(found.group(1)), int(found.group(2)))
    except ValueError:
        raise TypedValueError(say("give the time as 14:30")) from None


def typed_amount(raw: str, language: str) -> Decimal:
    """An amount in the page's language: 1.500,00 or 1500 on a Dutch page, 1,500.00 on an
    English one (Babel's strict parsing: 1.5 on a Dutch page is refused, not read as 15)."""
    try:
        amount = parse_decimal(raw.strip(), locale=language, strict=True)
        if not amount.is_finite():
            raise NumberFormatError(raw)
        return amount
    except NumberFormatError:
        example = format_decimal(Decimal("1500.00"), format="#,##0.00", locale=language)
        raise TypedValueError(
            say("give the amount as a number, for example %(example)s", example=example)
        ) from None


def shown_day(day: date) -> str:
    """A day as the date fields ask for it (31-12-2023), to fill a form."""
    return f"{day.day:02d}-{day.month:02d}-{day.year}"
