"""A partner generates a client from the served OpenAPI document with openapi-python-client
(offline, as a partner would) and uses it against a real server on loopback: posts typed
events, reads them back, and pages through them with the cursor."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType

from terugkeer.services.partners import add_partner
from tests.web.server import Site

PACKAGE = "terugkeer_partner_client"
V = "2000000001"
CET = timezone(timedelta(hours=1))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package, generated once from the document as served (its first server
    run: the document does not depend on the store)."""
    from terugkeer.settings import Settings
    from terugkeer.web.api.app import openapi_document

    root = tmp_path_factory.mktemp("client")
    source = root / "openapi.json"
    source.write_text(json.dumps(openapi_document(Settings())))
    config = Config.from_sources(ConfigFile(post_hooks=[]), MetaType.NONE, source, "utf-8",
                                 overwrite=True, output_path=root / PACKAGE)  # fmt: skip
    errors = generate(config=config)
    # JSON Lines has no place in the generator (it says so, and leaves those bodies out);
    # everything else must generate cleanly.
    assert [e.detail for e in errors if "application/" not in str(e.detail)] == []
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_the_served_document_is_the_one_the_client_was_generated_from(site: Site) -> None:
    from terugkeer.settings import Settings
    from terugkeer.web.api.app import openapi_document

    served = httpx.get(f"{site.url}/api/v1/openapi.json").json()
    assert served == openapi_document(Settings())


def test_a_generated_client_posts_reads_and_pages_through_events(
    site: Site, generated: ModuleType
) -> None:
    post_events = importlib.import_module(f"{PACKAGE}.api.default.post_events")
    get_person_events = importlib.import_module(f"{PACKAGE}.api.default.get_person_events")
    models = importlib.import_module(f"{PACKAGE}.models")
    token = add_partner(site.system, "coa", "COA", ["intake", "location_changed"])
    client = generated.AuthenticatedClient(base_url=f"{site.url}/api/v1", token=token)

    def event(n: int, kind: str, data: dict[str, str]) -> object:
        return models.Event(
            id=f"c-{n}", type_=models.EventType(kind), v_number=V, source=models.EventSource.COA,
            occurred_at=datetime(2023, 1, 1 + n, 10, tzinfo=CET),
            data=models.EventData.from_dict(data),
        )  # fmt: skip

    sent = [
        event(1, "intake", {"nationality": "MAR", "track": "asylum"}),
        event(2, "location_changed", {"kind": "azc"}),
        event(3, "location_changed", {"kind": "vbl"}),
    ]
    result = post_events.sync(client=client, body=sent)
    assert isinstance(result, models.IntakeResult), result
    assert (result.accepted, result.known, result.rejected) == (3, 0, 0), result.results
    assert [(r.index, r.id, r.outcome.value) for r in result.results] == [
        (1, "c-1", "accepted"), (2, "c-2", "accepted"), (3, "c-3", "accepted")]  # fmt: skip

    first = get_person_events.sync_detailed(v_number=V, client=client, limit=2)
    assert first.status_code == 200 and first.headers["API-Version"] == "1.1.0"
    page = first.parsed
    assert isinstance(page, models.EventsPage)
    assert [e.id for e in page.items] == ["c-1", "c-2"]
    assert page.items[0].occurred_at == datetime(2023, 1, 2, 10, tzinfo=CET)
    assert page.items[1].data.to_dict() == {"kind": "azc"}
    assert isinstance(page.next_, str)
    rest = get_person_events.sync(v_number=V, client=client, limit=2, cursor=page.next_)
    assert [e.id for e in rest.items] == ["c-3"] and rest.next_ is None
    assert rest.items[0].type_ == models.EventType.LOCATION_CHANGED


def test_a_generated_client_reads_an_error_as_a_problem(site: Site, generated: ModuleType) -> None:
    get_person_events = importlib.import_module(f"{PACKAGE}.api.default.get_person_events")
    models = importlib.import_module(f"{PACKAGE}.models")
    token = add_partner(site.system, "coa", "COA", ["intake"])
    client = generated.AuthenticatedClient(base_url=f"{site.url}/api/v1", token=token)
    refused = get_person_events.sync(v_number=V, client=client, cursor="not-a-cursor")
    assert isinstance(refused, models.Problem)
    assert refused.status == 400
    assert [p.name for p in refused.invalid_params] == ["query.cursor"]


def test_a_partner_without_the_generator_s_json_lines_still_has_the_document_s(
    tmp_path: Path,
) -> None:
    """The document keeps JSON Lines (the bulk format, EVENTS.md) beside the JSON array that
    the generated client uses."""
    from terugkeer.settings import Settings
    from terugkeer.web.api.app import openapi_document

    body = openapi_document(Settings())["paths"]["/events"]["post"]["requestBody"]
    assert set(body["content"]) == {
        "application/json", "application/jsonl", "application/x-ndjson",
        "application/x-jsonlines"}  # fmt: skip
