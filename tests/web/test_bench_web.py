"""`bench web` on a small store: the pages it times answer 200 for the users it signs in as,
on a store of the size it says, with every open case given to a director."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from terugkeer.bench.pages import bench_pages
from terugkeer.bench.synthetic import synthetic_lines
from terugkeer.bench.web_store import web_bench_store
from terugkeer.store.tables import case_directors, cases


def test_the_web_bench_times_every_page_on_the_store_it_describes(
    database_url: str, tmp_path: Path
) -> None:
    lines = tmp_path / "people.jsonl"
    lines.write_text("".join(f"{line}\n" for line in synthetic_lines(3_000)), encoding="utf-8")
    store = web_bench_store(lines, database_url, directors=6, teams=2, progress=print)
    try:
        with store.system.engine.connect() as connection:
            open_cases = connection.execute(
                select(func.count()).select_from(cases).where(cases.c.closed_us.is_(None))
            ).scalar_one()
            assigned = connection.execute(select(func.count()).select_from(case_directors))
            assert assigned.scalar_one() == open_cases == store.open_cases > 0
        assert store.sample_cases and store.cases >= store.open_cases
        result = bench_pages(store, requests=20, seed=1, progress=print)
    finally:
        store.system.close()
    assert [p.page for p in result.pages][:3] == [
        "worklist, case director", "worklist, team lead (whole team)", "case page"]  # fmt: skip
    for page in [result.baseline, *result.pages]:
        assert len(page.ms) == 20 and 0 < page.p50 <= page.p95 <= max(page.ms)
    # The lead sees the team's three directors' items: at least as many as one director's.
    assert result.worklist_items["team_lead"] >= result.worklist_items["case_director"] > 0
    assert result.as_json()["cases"] == store.cases
