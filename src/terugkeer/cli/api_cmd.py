"""`terugkeer api lint`: the partner API against the Dutch API Design Rules (Logius ADR 2.x),
the same lint that CI runs on every test run (docs/api-design-rules.md)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

api_app = typer.Typer(help="The partner API (/api/v1).", no_args_is_help=True)


@api_app.command("lint")
def lint_command(
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="a running API's base URL (https://HOST/api/v1): lint the document it "
            "serves and probe it over HTTP without credentials (trailing slash, CORS, "
            "API-Version); default: the document this installation would serve",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Lint the OpenAPI document rule by rule; exit 1 on any finding."""
    from terugkeer.web.api.design_rules import RULES, Finding, lint

    findings: list[Finding]
    if url is None:
        from terugkeer.cli.context import settings
        from terugkeer.web.api.app import openapi_document

        findings = lint(openapi_document(settings()))
    else:
        findings = _lint_served(url.rstrip("/"))
    for finding in findings:
        typer.echo(str(finding))
    failed = len({f.rule for f in findings})
    typer.echo(f"{len(RULES) - failed} of {len(RULES)} design rules pass; "
               f"{len(findings)} findings")  # fmt: skip
    if findings:
        raise typer.Exit(1)


def _lint_served(url: str) -> list[Any]:
    import httpx

    from terugkeer.web.api.design_probes import probe
    from terugkeer.web.api.design_rules import lint

    try:
        with httpx.Client(timeout=30, follow_redirects=False) as http:
            answer = http.get(f"{url}/openapi.json")
            answer.raise_for_status()
            return lint(answer.json()) + probe(url, http)
    except (httpx.HTTPError, ValueError) as error:
        typer.echo(f"terugkeer: cannot read {url}/openapi.json: {error}", err=True)
        raise typer.Exit(2) from None
