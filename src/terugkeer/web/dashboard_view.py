"""What the dashboard page shows, built from the service's `Dashboard` in the page's language:
the comparison rows of the key figures, and each chart (an SVG image, drawn on the server)
with the table of exactly the numbers it draws."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

from terugkeer.reports.charts import bar_chart, line_chart
from terugkeer.reports.labels import figure_rows
from terugkeer.services.dashboard import Dashboard
from terugkeer.web.i18n import Formats

_OWN_PLACE = frozenset({"period", "top_nationalities"})
#: The four outcomes and the inflow sources, as the trend tables and charts name them.
_OUTCOMES = ("independent_departure", "forced_departure", "absconded", "exit_without_departure")
_SOURCES = ("IND", "POLITIE", "KMAR", "other")
#: How many member states the chart of coming deadlines names; the rest together as "other".
_CHART_STATES = 5


@dataclass(frozen=True, slots=True)
class ComparedFigure:
    name: str  # the dotted JSON name of the figure (report key-figures --format json)
    label: str
    indent: int
    values: tuple[str, str, str]  # current, previous, a year earlier
    changes: tuple[str, str]  # against the previous period, against a year earlier


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    image: str  # a data: URL of the SVG
    description: str  # the image's alternative text: what it shows, and where the numbers are
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)


def compared_figures(dash: Dashboard, f: Formats, _: Callable[[str], str]) -> list[ComparedFigure]:
    """Each figure in the three periods and its two changes; a change against a period that
    starts before the store is whole reads "not comparable" (the page says why once)."""
    current, previous, earlier = dash.figures
    with_previous, with_earlier = dash.comparable
    unknown = _("not comparable")
    rows = []
    for (name, label, now), (*_before, before), (*_then, then) in zip(
        figure_rows(current, _OWN_PLACE),
        figure_rows(previous, _OWN_PLACE),
        figure_rows(earlier, _OWN_PLACE),
        strict=True,
    ):
        rows.append(
            ComparedFigure(
                name=name,
                label=label.nl if f.language == "nl" else label.en,
                indent=label.indent,
                values=(_value(now, f), _value(before, f), _value(then, f)),
                changes=(
                    _change(now, before, f) if with_previous else unknown,
                    _change(now, then, f) if with_earlier else unknown,
                ),
            )
        )
    return rows


def _value(value: object, f: Formats) -> str:
    if isinstance(value, float) or value is None:
        return f.rate(value)  # the only floats are shares
    return f.number(value) if isinstance(value, int) else str(value)


def _change(now: object, before: object, f: Formats) -> str:
    """The difference and, for counts, the relative change; a share's in percentage points."""
    if isinstance(now, float) and isinstance(before, float):
        points = (now - before) * 100
        return f"{'+' if points > 0 else ''}{f.number(round(points, 1))} pp"
    if isinstance(now, int) and isinstance(before, int):
        difference = now - before
        sign = "+" if difference > 0 else ""
        if before == 0:
            return f"{sign}{f.number(difference)}"
        relative = f.rate(difference / before)
        return f"{sign}{f.number(difference)} ({sign}{relative})"
    return "—"


def trend_charts(dash: Dashboard, f: Formats, _: Callable[[str], str]) -> list[Chart]:
    """The trend charts of the months shown (none when every month lies before the store is
    whole: the page says so)."""
    if not dash.trends:
        return []
    months = [f.month(t.month) for t in dash.trends]
    month_column = _("Month")
    names = {"IND": "IND", "POLITIE": _("Police"), "KMAR": "KMar", "other": _("other")}
    inflow = {names[s]: [t.inflow_by_source[s] for t in dash.trends] for s in _SOURCES}
    outcome_names = {
        "independent_departure": _("independent departure"),
        "forced_departure": _("forced departure"),
        "absconded": _("left without supervision"),
        "exit_without_departure": _("exit without departure"),
    }
    outcomes = {outcome_names[o]: [t.outcomes[o] for t in dash.trends] for o in _OUTCOMES}
    rate = [t.demonstrable_departure_rate for t in dash.trends]
    caseload = [t.caseload for t in dash.trends]
    emergency = [t.at_emergency_reception for t in dash.trends]
    beside = _("the numbers are in the table beside it.")
    return [
        _counts_chart("inflow", _("Inflow per month by source"), months, month_column, inflow, f,
                      _("Stacked bar chart of the inflow per month by source;") + " " + beside,
                      stacked=True, total=_("total")),
        _counts_chart("outcomes", _("Closed procedures per month by outcome"), months,
                      month_column, outcomes, f,
                      _("Stacked bar chart of the closed procedures per month by outcome;")
                      + " " + beside, stacked=True, total=_("total")),
        Chart("rate", _("Demonstrable departure rate per month"),
              _image(line_chart(_("Demonstrable departure rate per month"), months,
                                {_("demonstrable departure rate"): rate}, percent=True)),
              _("Line chart of the demonstrable departure rate per month;") + " " + beside,
              (month_column, _("demonstrable departure rate")),
              [(m, f.rate(r)) for m, r in zip(months, rate, strict=True)]),
        _counts_chart("caseload", _("Caseload at the end of each month"), months, month_column,
                      {_("caseload"): caseload}, f,
                      _("Line chart of the caseload at the end of each month;") + " " + beside,
                      stacked=False, line=True),
        _counts_chart("emergency", _("At emergency reception at the end of each month"),
                      months, month_column, {_("at emergency reception"): emergency}, f,
                      _("Line chart of the people at emergency reception at the end of each "
                        "month;") + " " + beside, stacked=False, line=True),
    ]  # fmt: skip


def dublin_chart(dash: Dashboard, f: Formats, _: Callable[[str], str]) -> Chart:
    """The coming transfer deadlines per month, for the member states with most of them."""
    months = [f.month(m) for m in dash.dublin.months]
    ranked = sorted(dash.dublin.member_states, key=lambda s: (-sum(s.coming), s.member_state))
    shown = [s for s in ranked[:_CHART_STATES] if sum(s.coming)]
    series = {f.country(s.member_state): list(s.coming) for s in shown}
    rest = [sum(month) for month in zip(*(s.coming for s in ranked[_CHART_STATES:]), strict=True)]
    if any(rest):
        series[_("other member states")] = rest
    title = _("Dublin transfer deadlines coming up per month")
    description = _(
        "Stacked bar chart of the Dublin transfer deadlines coming up per month "
        "by member state; the numbers are in the table beside it."
    )
    return _counts_chart("dublin-coming", title, months, _("Month"), series, f, description,
                         stacked=True, total=_("total"))  # fmt: skip


def _counts_chart(
    chart_id: str,
    title: str,
    categories: list[str],
    first_column: str,
    series: dict[str, list[int]],
    f: Formats,
    description: str,
    *,
    stacked: bool,
    line: bool = False,
    total: str | None = None,
) -> Chart:
    def number(value: float) -> str:
        return f.number(round(value))

    drawn = (line_chart(title, categories, series, number=number) if line
             else bar_chart(title, categories, series, stacked=stacked, number=number))  # fmt: skip
    columns = (first_column, *series, *((total,) if total else ()))
    rows = []
    for index, category in enumerate(categories):
        values = [values[index] for values in series.values()]
        cells = [f.number(v) for v in values] + ([f.number(sum(values))] if total else [])
        rows.append((category, *cells))
    return Chart(chart_id, title, _image(drawn), description, columns, rows)


def _image(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
