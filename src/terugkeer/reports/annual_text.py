"""How the annual report writes its numbers and the sentences around them, in Dutch and
English: counts as published (tens, "<5"), changes in whole per cent from exact counts, dates
in words, weeks whole."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from terugkeer.domain.weeks import whole_weeks
from terugkeer.reports.model import PublishedCount
from terugkeer.reports.numbers import LOCALES, format_number
from terugkeer.reports.rounding import publish_count

#: A median over fewer decisions is not shown: like a count under 5 (EVENTS.md), it would
#: come close to describing one person's procedure.
MEDIAN_AT_LEAST = 5

PHRASES: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Stand van de uitvoering {year}",
        "subtitle": "Resultaten en uitdagingen van de terugkeer, uit de zaakgeschiedenis",
        "roundabout": "De terugkeerrotonde {year}",
        "more": "meer", "fewer": "minder", "change": "{pct}% {word} dan het jaar ervoor",
        "as_many": "evenveel als het jaar ervoor",
        "too_few": "te weinig om met het jaar ervoor te vergelijken",
        "difference": "Dat zijn er {n} {word} dan in {year}.",
        "about_as_many": "Dat zijn er ongeveer evenveel als in {year}.",
        "incomplete": "Onvolledig: de gegevens zijn pas vanaf {day} volledig; "
        "wat in {year} vóór die dag gebeurde, bevatten de cijfers maar voor een deel.",
    },
    "en": {
        "title": "State of implementation {year}",
        "subtitle": "Results and challenges of return, from the case history",
        "roundabout": "The return roundabout {year}",
        "more": "more", "fewer": "fewer", "change": "{pct}% {word} than the year before",
        "as_many": "as many as the year before",
        "too_few": "too few to compare with the year before",
        "difference": "That is {n} {word} than in {year}.",
        "about_as_many": "That is about as many as in {year}.",
        "incomplete": "Incomplete: the data are complete only from {day}; "
        "of what happened in {year} before that day, the figures hold only part.",
    },
}  # fmt: skip


class Numbers:
    """Numbers as the report writes them, in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.t = PHRASES[lang]

    def count(self, exact: int) -> str:
        published: PublishedCount = publish_count(exact)
        return published if isinstance(published, str) else format_number(published, self.lang)

    def percent(self, share: float | None) -> str:
        if share is None:
            return "—"
        return f"{format_number(round(share * 100), self.lang)}%"

    def day(self, day: date) -> str:
        """ "4 maart 2024" / "4 March 2024"."""
        return format_date(day, "d MMMM y", locale=LOCALES[self.lang])

    def weeks(self, median: float | None, decisions: int) -> str | None:
        """The median in whole weeks, or None when it is not shown (see MEDIAN_AT_LEAST)."""
        if median is None or decisions < MEDIAN_AT_LEAST:
            return None
        return format_number(whole_weeks(median), self.lang)

    def change(self, now: int, before: int) -> str:
        """ "40% meer dan het jaar ervoor" / "40% more than the year before"."""
        if now < 5 or before < 5:  # a share of a suppressed count would give it away
            return self.t["too_few"]
        relative = round((now - before) / before * 100)
        if relative == 0:
            return self.t["as_many"]
        word = self.t["more"] if relative > 0 else self.t["fewer"]
        return self.t["change"].format(pct=format_number(abs(relative), self.lang), word=word)

    def direction(self, now: int, before: int) -> int:
        """1, -1 or 0: whether the published counts went up, down or stayed (or are too small
        to say), so that a heading ("Meer aantoonbaar vertrek") agrees with `difference`."""
        a, b = publish_count(now), publish_count(before)
        if isinstance(a, str) or isinstance(b, str) or a == b:
            return 0
        return 1 if a > b else -1

    def difference(self, now: int, before: int, year: int) -> str:
        """ "1.370 meer dan in 2022": the difference of the published counts, so that the
        sentence agrees with the numbers beside it."""
        a, b = publish_count(now), publish_count(before)
        if isinstance(a, str) or isinstance(b, str) or a == b:
            return self.t["about_as_many"].format(year=year)
        word = self.t["more"] if a > b else self.t["fewer"]
        return self.t["difference"].format(
            n=format_number(abs(a - b), self.lang), word=word, year=year
        )
