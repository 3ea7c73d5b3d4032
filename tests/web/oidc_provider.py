"""A real OpenID Connect provider on loopback (pypi oidc-provider-mock: Flask and authlib's
server side) for the single sign-on tests, and our site registered at it as a client.

The provider is strict where ours must be checked: a client registers (so its secret counts at
the token endpoint), a nonce is required, and PKCE is required too (authlib's CodeChallenge
added to the provider's code grant: a wrong verifier gets no token). It runs on `localhost`,
our site on `127.0.0.1`: two different sites to a browser, as a ministry's provider is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask
import httpx
import oidc_provider_mock
import werkzeug.serving
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from oidc_provider_mock import User

from tests.web.server import Site, _free_port, running_site

#: The agency's groups at the provider, and the roles they are here.
ROLE_MAP = {
    "dtenv-regievoerder": "case_director",
    "dtenv-teamleider": "team_lead",
    "dtenv-auditor": "auditor",
}
PEOPLE = (
    User(sub="sub-sanne", claims={"preferred_username": "sanne", "team": "Noord",
                                  "roles": ["dtenv-regievoerder", "mail"]}),
    User(sub="sub-otto", claims={"preferred_username": "otto", "roles": "dtenv-auditor"}),
    User(sub="sub-nora", claims={"preferred_username": "nora", "roles": ["mail", "intranet"]}),
    # A local account of this name exists: single sign-on must not take it over.
    User(sub="sub-anna", claims={"preferred_username": "anna", "team": "Noord",
                                 "roles": ["dtenv-regievoerder"]}),
)  # fmt: skip


@dataclass
class Provider:
    url: str

    def set_claims(self, sub: str, claims: dict[str, Any]) -> None:
        httpx.put(f"{self.url}/users/{sub}", json=claims).raise_for_status()


class _Pkce(CodeChallenge):  # type: ignore[misc]
    """authlib's PKCE check on the mock, whose stored codes lack the challenge: it is kept
    here by the flow's nonce (unique per flow, and stored with the code)."""

    def __init__(self) -> None:
        super().__init__(required=True)
        self.asked: dict[str, tuple[str, str]] = {}

    def get_authorization_code_challenge(self, code: Any) -> str:
        return self.asked.get(code.nonce, ("", ""))[0]

    def get_authorization_code_challenge_method(self, code: Any) -> str:
        return self.asked.get(code.nonce, ("", ""))[1]


def _with_pkce(app: flask.Flask) -> None:
    pkce = _Pkce()

    @app.before_request
    def require_pkce() -> None:  # after the mock's own before_request made its server
        server = flask.g._authlib_authorization_server
        for grant, extensions in server._authorization_grants:
            if issubclass(grant, AuthorizationCodeGrant) and pkce not in extensions:
                extensions.append(pkce)  # the token grant's list too: the same list
        asked = flask.request.args
        if flask.request.path == "/oauth2/authorize" and "nonce" in asked:
            pkce.asked[asked["nonce"]] = (
                asked.get("code_challenge", ""),
                asked.get("code_challenge_method", "plain"),
            )


@contextmanager
def running_provider() -> Iterator[Provider]:
    app = oidc_provider_mock.app(
        require_client_registration=True, require_nonce=True, user_claims=PEOPLE
    )
    _with_pkce(app)
    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Provider(f"http://localhost:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def site_with_sso(
    tmp_path: Path, *, cookie_secure: bool, **more: Any
) -> Iterator[tuple[Site, Provider]]:
    """Our site with single sign-on through a fresh provider, registered there as a
    confidential client with its callback."""
    port = _free_port()
    with running_provider() as provider:
        registered = httpx.post(f"{provider.url}/oauth2/clients", json={
            "redirect_uris": [f"http://127.0.0.1:{port}/login/sso/callback"],
            "token_endpoint_auth_method": "client_secret_basic",
        })  # fmt: skip
        registered.raise_for_status()
        client = registered.json()
        with running_site(
            f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=cookie_secure, port=port,
            oidc_issuer=provider.url, oidc_client_id=client["client_id"],
            oidc_client_secret=client["client_secret"], oidc_role_map=ROLE_MAP,
            oidc_provider_name="Rijks-IdP", **more,
        ) as site:  # fmt: skip
            yield site, provider
