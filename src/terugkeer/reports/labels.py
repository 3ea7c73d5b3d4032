"""Labels of the key figures: Dutch (as DTenV publishes) and English.

Each field of the key-figure models (reports/model.py) declares its labels next to it with
`labelled`, so no field can lack a label and no label can name a field that does not exist;
`label_of` reads them back (they are in the models' JSON schema too).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Label:
    nl: str
    en: str
    indent: int = 0  # levels of indentation in the table (a part under its total)

    def text(self, lang: str) -> str:
        return "  " * self.indent + (self.nl if lang == "nl" else self.en)


def labelled(nl: str, en: str, *, indent: int = 0, alias: str | None = None) -> Any:
    """The pydantic `Field` of a model field with its Dutch and English label."""
    return Field(alias=alias, json_schema_extra={"labels": {"nl": nl, "en": en}, "indent": indent})


def label_of(model: type[BaseModel], name: str) -> Label:
    """The label of field `name` of `model` (KeyError for a field the model does not have)."""
    match model.model_fields[name].json_schema_extra:
        case {"labels": {"nl": str(nl), "en": str(en)}, "indent": int(indent)} if nl and en:
            return Label(nl, en, indent)
    raise LookupError(f"{model.__name__}.{name} has no Dutch and English label")


def figure_rows(
    group: BaseModel, skip: frozenset[str] = frozenset(), prefix: str = ""
) -> Iterator[tuple[str, Label, object]]:
    """Each figure of `group` with its dotted JSON name and its label, in the model's order;
    groups give their parts (a table of the key figures, in any output)."""
    for name, field in type(group).model_fields.items():
        if name in skip:
            continue
        value = getattr(group, name)
        key = f"{prefix}{field.alias or name}"
        if isinstance(value, BaseModel):
            yield from figure_rows(value, prefix=f"{key}.")
        else:
            yield key, label_of(type(group), name), value


TITLES = {"nl": "Kerncijfers {start} t/m {end}", "en": "Key figures {start} to {end}"}
HEADERS = {"nl": ("kerncijfer", "aantal"), "en": ("figure", "value")}
