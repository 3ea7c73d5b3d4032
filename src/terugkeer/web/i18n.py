"""Dutch by default, English at a click (a `lang` cookie) or by Accept-Language.

Strings are gettext messages (English msgids) in web/locale/*/messages.po, extracted by
`scripts/catalogues.py` from the templates and the package's `say(...)` sentences; the
catalogues are read with Babel at start-up (no compiled .mo files to keep in step). Dates,
numbers and country names are formatted by Babel in the page's language
("14 maart 2023", "19.990", "Marokko").
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib import resources
from io import BytesIO

import pycountry
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

from terugkeer.domain.calendar import AMSTERDAM
from terugkeer.domain.messages import Amount, Code, Country, FieldPath, Message
from terugkeer.reports.numbers import format_rate
from terugkeer.web.rule_sources import Cited, cited

LANGUAGES = ("nl", "en")
DEFAULT = "nl"


@cache
def translations(language: str) -> Translations:
    po = resources.files("terugkeer.web").joinpath(f"locale/{language}/LC_MESSAGES/messages.po")
    with po.open("rb") as stream:
        catalog = read_po(stream, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return DEFAULT


class Formats:
    """Babel formatting in one language, for the templates."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._locale = Locale.parse(language)
        self._gettext = translations(language).gettext

    def say(self, message: Message) -> str:
        """A domain sentence in this language: its msgid translated, each value formatted
        (dates and counts by Babel, codes and field names by the catalogue). A sentence the
        catalogue lacks stays English rather than failing the page."""
        values = {name: self._value(value) for name, value in message.values}
        text = self._gettext(message.template)
        try:
            return text % values if values else text
        except (KeyError, ValueError, TypeError):
            return message.template % values

    def _value(self, value: object) -> str:
        if isinstance(value, Message):
            return self.say(value)
        if isinstance(value, Code | FieldPath):
            name = value.name if isinstance(value, FieldPath) else value.value
            return str(self._gettext(name))
        if isinstance(value, Country):
            return self.country(value.code)
        if isinstance(value, Amount):
            return self.euros(value.euros)
        if isinstance(value, datetime):
            return self.moment(value)
        if isinstance(value, date):
            return self.day(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return self.number(value)
        return str(value)

    def day(self, value: datetime | date | str | None) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(AMSTERDAM).date()
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return format_date(day, "d MMMM y", locale=self._locale)

    def moment(self, value: datetime) -> str:
        local = value.astimezone(AMSTERDAM)
        return format_datetime(local, "d MMM y HH:mm", tzinfo=AMSTERDAM, locale=self._locale)

    def instant(self, value: datetime) -> str:
        """A moment to the second in Amsterdam time ("10 mrt 2023 10:00:05"): the access log."""
        local = value.astimezone(AMSTERDAM)
        return format_datetime(local, "d MMM y HH:mm:ss", tzinfo=AMSTERDAM, locale=self._locale)

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self._locale)

    def cite(self, source: str) -> Cited:
        """A legal source of the rules table in this language (web/rule_sources.py)."""
        return cited(source, self.language)

    def euros(self, value: float) -> str:
        return format_currency(value, "EUR", locale=self._locale)

    def rate(self, value: float | None) -> str:
        """A share as a percentage with one decimal ("40,5%"); "—" for none."""
        return "—" if value is None else format_rate(value, self.language)

    def month(self, value: date) -> str:
        """A calendar month, short ("mrt 2023")."""
        return format_date(value, "MMM y", locale=self._locale)

    def country(self, code: str | None) -> str:
        if not code:
            return "—"
        found = pycountry.countries.get(alpha_3=code)
        if found is None:
            return code
        name = self._locale.territories.get(found.alpha_2)
        return str(name) if name else str(found.name)
