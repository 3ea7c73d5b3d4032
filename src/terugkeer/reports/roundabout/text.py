"""The roundabout's text alternative: every number of the picture, in a list and a table of
stance by exit (WCAG 1.1.1). The picture draws from the same functions, so the two cannot
disagree."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from terugkeer.reports.roundabout.model import (
    EXIT_REASONS,
    EXITS,
    SOURCES,
    STANCES,
    SUPPORT,
    Roundabout,
)
from terugkeer.reports.roundabout.words import WORDS

Number = Callable[[int], str]

#: The stances the picture writes on a road: (stance, the exit of that road).
ROADS = (("cooperating", "independent"), ("after_all", "independent"),
         ("not_cooperating", "forced"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Line:
    key: str
    label: str
    count: int
    indent: int


def lines(data: Roundabout, lang: str) -> list[Line]:
    """The inflow and the exits, with their parts, in the order of the picture."""
    w = WORDS[lang]
    exit_names = {
        "independent": w["independent"],
        "forced": w["alt_removal"],
        "absconded": f"{w['absconded']} {w['absconded_note']}",
        "exit": w["exit"],
    }
    found = [Line("inflow", w["alt_inflow"], data.total_inflow, 0)]
    found += [Line(f"inflow.{s}", w["alt_inflow_source"].format(source=w[s]), data.inflow[s], 1)
              for s in SOURCES]  # fmt: skip
    found.append(Line("closed", w["alt_closed"], data.closed, 0))
    for way in EXITS:
        found.append(Line(way, exit_names[way], data.exits[way], 1))
        if way == "independent":
            found += [Line(f"support.{k}", w[k], data.support[k], 2) for k in SUPPORT]
        if way == "exit":
            found += [Line(f"exit.{r}", _reason(r, lang), data.exit_reasons[r], 2)
                      for r in EXIT_REASONS]  # fmt: skip
    return found


def stance_table(data: Roundabout, lang: str) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """(column heads, rows): each stance's closed cases by exit, and in all."""
    w = WORDS[lang]
    heads = [w["alt_stance"], *(_exit_name(way, lang) for way in EXITS), w["alt_total"]]
    rows = [(w[f"st_{s}"], [*(data.stances[(s, way)] for way in EXITS), data.stance_total(s)])
            for s in STANCES]  # fmt: skip
    return heads, rows


def text_lines(data: Roundabout, lang: str, number: Number) -> list[str]:
    """The text alternative as plain lines ("label: number"), stances last."""
    w = WORDS[lang]
    found = [
        f"{'  ' * line.indent}{line.label}: {number(line.count)}" for line in lines(data, lang)
    ]
    heads, rows = stance_table(data, lang)
    found.append(f"{w['alt_stances']}:")
    for stance, counts in rows:
        cells = ", ".join(f"{h} {number(n)}" for h, n in zip(heads[1:], counts, strict=True))
        found.append(f"  {stance}: {cells}")
    return found


def text_html(data: Roundabout, lang: str, number: Number, table_id: str = "roundabout") -> str:
    """The text alternative as two HTML tables (for a page that shows the picture)."""
    w = WORDS[lang]
    e = html.escape
    body = "".join(
        f'<tr><th scope="row" class="indent-{line.indent}">{e(line.label)}</th>'
        f"<td>{e(number(line.count))}</td></tr>"
        for line in lines(data, lang)
    )
    heads, rows = stance_table(data, lang)
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    stances = "".join(
        f'<tr><th scope="row">{e(stance)}</th>'
        + "".join(f"<td>{e(number(n))}</td>" for n in counts)
        + "</tr>"
        for stance, counts in rows
    )
    return (
        f'<table id="{table_id}-numbers"><caption>{e(w["alt_summary"])}</caption>'
        f'<thead><tr><th scope="col">{e(w["alt_figure"])}</th><th scope="col">'
        f"{e(w['alt_count'])}</th></tr></thead><tbody>{body}</tbody></table>"
        f'<table id="{table_id}-stances"><caption>{e(w["alt_stances"])}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{stances}</tbody></table>"
    )


def _exit_name(way: str, lang: str) -> str:
    return WORDS[lang]["independent" if way == "independent" else way]


def _reason(reason: str, lang: str) -> str:
    return WORDS[lang]["exit_other" if reason == "other" else reason]
