"""The published form of figures: counts rounded to the nearest ten, below 5 shown as "<5"."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel

from terugkeer.reports.model import KeyFigures, PublishedCount, PublishedKeyFigures


def publish_count(count: int) -> PublishedCount:
    """Nearest ten, halves up (DTenV publishes 19,990 and 3,380); counts below 5 are hidden."""
    if count < 5:
        return "<5"
    return (count + 5) // 10 * 10


def rounded(figures: KeyFigures) -> PublishedKeyFigures:
    """`figures` in the published form. What is rounded is what the published model types as a
    count (`PublishedCount`); the rest is published as it is: the period, `member_states`, and the
    rates, computed from exact counts, so a published rate is never derived from rounded ones."""
    return PublishedKeyFigures.model_validate(_published(figures, PublishedKeyFigures))


def _published(value: object, published: Any) -> Any:
    """`value` of the exact form as input for `published`, its type in the published form."""
    if published == PublishedCount and isinstance(value, int):
        return publish_count(value)
    if isinstance(value, BaseModel):
        fields = published.model_fields.items()
        return {name: _published(getattr(value, name), field.annotation) for name, field in fields}
    if isinstance(value, tuple):
        item = get_args(published)[0]
        return tuple(_published(element, item) for element in value)
    return value
