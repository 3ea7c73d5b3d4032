"""Sentences that reach people, kept as a gettext msgid with named values until they are shown.

`str(message)` is the English sentence that the CLI, the import report and the API print (the
wording of the contract, unchanged); a page looks the msgid up in its catalogue and formats each
value in the reader's language: a date as "14 maart 2023", a `Code` (an event type, a location
kind) by its name in the catalogue, a `Country` by its name ("Duitsland"), a `FieldPath` by the
label of its form field, a nested `Message` translated in turn. Messages are marked for
extraction by `say(...)` (babel keyword).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class Code:
    """A value from a closed list of the v1 format (`location_changed`, `azc`, `passport`)."""

    value: str

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Country:
    """An ISO 3166-1 alpha-3 code (`DEU`): a page shows the country's name in its language."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount of euros: a page writes it as its language does ("€ 1.500,00")."""

    euros: float

    def __str__(self) -> str:
        return f"EUR {self.euros:.2f}"


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A field of an event as the format names it (`data.destination`, `occurred_at`)."""

    path: str

    def __str__(self) -> str:
        return self.path

    @property
    def name(self) -> str:
        """The field's own name, which is also its form field (`destination`)."""
        return self.path.rsplit(".", 1)[-1]


#: What a message can hold; a datetime prints as ISO 8601 in English, as the events write it.
Value: TypeAlias = "str | int | date | datetime | Amount | Code | Country | FieldPath | Message"


@dataclass(frozen=True, slots=True)
class Message:
    #: The English sentence with %(name)s placeholders: also the msgid in the catalogues.
    template: str
    values: tuple[tuple[str, Value], ...] = ()

    def __str__(self) -> str:
        if not self.values:
            return self.template
        return self.template % {name: _english(value) for name, value in self.values}


def say(template: str, **values: Value) -> Message:
    """A message in English with its values; the template must be a literal (it is extracted)."""
    return Message(template, tuple(values.items()))


def _english(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
