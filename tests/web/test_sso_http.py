"""Single sign-on over real HTTP against a real OpenID Connect provider on loopback: the
authorization code flow with PKCE as a confidential client, role and team from the claims,
refusals that open no session and leave a log row, and sign-out at the provider too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from terugkeer.store.tables import access_log, sessions, users
from tests.web.conftest import csrf_of, signed_in
from tests.web.oidc_provider import Provider, running_provider, site_with_sso
from tests.web.server import PASSWORD, Site, _free_port, running_site

FLOW = "sso_flow"


@pytest.fixture
def sso(tmp_path: Path) -> Iterator[tuple[Site, Provider]]:
    with site_with_sso(tmp_path, cookie_secure=False) as running:
        yield running


def _client(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.url, follow_redirects=False, timeout=60)


def _to_provider(client: httpx.Client) -> str:
    started = client.get("/login/sso")
    assert started.status_code == 303
    return started.headers["location"]


def _at_provider(address: str, sub: str) -> str:
    """The person `sub` signs in at the provider's own form; the callback it sends them to."""
    answer = httpx.post(address, data={"sub": sub})
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def _callback(client: httpx.Client, back: str) -> httpx.Response:
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def _sign_in(site: Site, sub: str) -> tuple[httpx.Client, httpx.Response]:
    client = _client(site)
    landed = _callback(client, _at_provider(_to_provider(client), sub))
    return client, landed


def _log(site: Site, action: str) -> list[tuple[str, str | None]]:
    with site.system.engine.connect() as connection:
        found = connection.execute(
            select(access_log.c.actor, access_log.c.detail).where(access_log.c.action == action)
        )
        return [(row.actor, row.detail) for row in found]


def _session_count(site: Site) -> int:
    with site.system.engine.connect() as connection:
        return len(connection.execute(select(sessions.c.token_hash)).all())


def test_the_flow_asks_for_a_code_with_pkce_state_and_nonce(sso: tuple[Site, Provider]) -> None:
    site, provider = sso
    address = _to_provider(_client(site))
    assert address.startswith(provider.url + "/oauth2/authorize?")
    asked = parse_qs(urlsplit(address).query)
    assert asked["response_type"] == ["code"]
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["code_challenge"][0] and asked["state"][0] and asked["nonce"][0]
    assert asked["redirect_uri"] == [site.url + "/login/sso/callback"]
    assert "openid" in asked["scope"][0].split()


def test_a_mapped_director_lands_on_the_worklist(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    client, landed = _sign_in(site, "sub-sanne")
    assert landed.status_code == 200
    assert 'http-equiv="refresh" content="0; url=/"' in landed.text
    assert FLOW not in client.cookies  # the flow is used up
    home = client.get("/")
    assert home.status_code == 200
    assert "sanne" in home.text and "Noord" in home.text
    with site.system.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.name == "sanne")).one()
    assert (row.role, row.team, row.sso_subject) == ("case_director", "Noord", "sub-sanne")
    assert row.password_hash == "!"  # no password: the provider is the only way in
    assert _log(site, "session.sign_in.sso") == [("sanne", "case_director")]


def test_a_sign_in_sweeps_the_expired_sessions_and_their_id_tokens(
    sso: tuple[Site, Provider],
) -> None:
    site, _ = sso
    _sign_in(site, "sub-sanne")
    long_ago = "2000-01-01T00:00:00.000000Z"
    with site.system.engine.begin() as connection:  # her session, years on: expired
        connection.execute(sessions.update().values(created_at=long_ago, last_seen=long_ago))
    _sign_in(site, "sub-sanne")
    with site.system.engine.connect() as connection:
        kept = connection.execute(select(sessions.c.created_at, sessions.c.id_token)).all()
    assert len(kept) == 1 and kept[0].created_at != long_ago  # the new one only


def test_role_and_team_follow_the_claims_at_every_sign_in(sso: tuple[Site, Provider]) -> None:
    site, provider = sso
    _sign_in(site, "sub-sanne")
    provider.set_claims("sub-sanne", {"preferred_username": "sanne", "roles": "dtenv-auditor"})
    client, landed = _sign_in(site, "sub-sanne")
    assert 'content="0; url=/audit"' in landed.text
    assert client.get("/audit").status_code == 200
    assert client.get("/").status_code == 403  # no longer a case director


def test_an_auditor_lands_on_the_access_log(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    client, landed = _sign_in(site, "sub-otto")
    assert 'content="0; url=/audit"' in landed.text
    assert client.get("/audit").status_code == 200


def test_a_person_without_a_mapped_role_is_refused(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    client, refused = _sign_in(site, "sub-nora")
    assert refused.status_code == 403
    assert "has no role in this system" in refused.text or "geen rol" in refused.text
    assert "terugkeer_session" not in client.cookies
    assert _session_count(site) == 0
    assert _log(site, "session.sign_in.sso.refused") == [("nora", "no_role")]
    assert client.get("/").status_code == 303  # still signed out


def test_a_local_account_is_not_taken_over(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    _, refused = _sign_in(site, "sub-anna")
    assert refused.status_code == 403
    assert _log(site, "session.sign_in.sso.refused") == [("anna", "local_account")]
    assert _session_count(site) == 0


def test_a_wrong_state_is_refused(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    client = _client(site)
    back = _at_provider(_to_provider(client), "sub-sanne")
    forged = back.replace("state=", "state=x")
    refused = _callback(client, forged)
    assert refused.status_code == 400
    assert _log(site, "session.sign_in.sso.refused") == [("-", "state_mismatch")]
    assert _session_count(site) == 0


def test_a_callback_this_browser_never_started_is_refused(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    back = _at_provider(_to_provider(_client(site)), "sub-sanne")
    victim = _client(site)  # someone else's code sent to a browser without the flow
    assert _callback(victim, back).status_code == 400
    assert _log(site, "session.sign_in.sso.refused") == [("-", "no_flow")]


def _tampered_flow(client: httpx.Client, part: int) -> None:
    pieces = client.cookies[FLOW].split(".")
    pieces[part] = "tampered" + pieces[part][8:]
    client.cookies.set(FLOW, ".".join(pieces), path="/login/sso/callback")


def test_a_wrong_nonce_is_refused(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    client = _client(site)
    address = _to_provider(client)
    _tampered_flow(client, 1)  # the ID token will carry the nonce actually sent
    refused = _callback(client, _at_provider(address, "sub-sanne"))
    assert refused.status_code == 400
    assert _log(site, "session.sign_in.sso.refused") == [("-", "id_token_invalid")]
    assert _session_count(site) == 0


def test_a_wrong_pkce_verifier_gets_no_token(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    client = _client(site)
    address = _to_provider(client)
    _tampered_flow(client, 2)
    refused = _callback(client, _at_provider(address, "sub-sanne"))
    assert refused.status_code == 400
    assert _log(site, "session.sign_in.sso.refused") == [("-", "code_refused")]


def test_denied_at_the_provider_is_refused(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    client = _client(site)
    denied = httpx.post(_to_provider(client), data={"action": "deny"})
    refused = _callback(client, denied.headers["location"])
    assert refused.status_code == 400
    assert _log(site, "session.sign_in.sso.refused") == [("-", "provider:access_denied")]


def test_sign_out_ends_the_session_and_goes_to_the_provider(sso: tuple[Site, Provider]) -> None:
    site, provider = sso
    client, _ = _sign_in(site, "sub-sanne")
    page = client.get("/")
    out = client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 303
    target = out.headers["location"]
    assert target.startswith(provider.url + "/oauth2/end_session?")
    sent = parse_qs(urlsplit(target).query)
    assert sent["post_logout_redirect_uri"] == [site.url + "/login"]
    assert sent["id_token_hint"][0].count(".") == 2  # the ID token of this session
    assert client.get("/").status_code == 303  # signed out here
    assert _session_count(site) == 0
    assert _log(site, "session.sign_out.sso") == [("sanne", "ok")]
    # The provider's sign-out confirms and comes back to our login page.
    confirmed = httpx.post(f"{provider.url}/oauth2/end_session/confirm",
                           data={"redirect_uri": sent["post_logout_redirect_uri"][0]})  # fmt: skip
    assert confirmed.headers["location"] == site.url + "/login"


def test_the_login_page_offers_the_provider_beside_the_form(sso: tuple[Site, Provider]) -> None:
    site, provider = sso
    page = _client(site).get("/login", headers={"accept-language": "nl"})
    assert 'href="/login/sso"' in page.text and "Inloggen via Rijks-IdP" in page.text
    assert 'name="password"' in page.text
    csp = page.headers["content-security-policy"]
    assert f"form-action 'self' {provider.url};" in csp  # the sign-out's redirect


def test_a_local_account_still_signs_in_beside_sso(sso: tuple[Site, Provider]) -> None:
    site, _ = sso
    client = _client(site)
    token = client.get("/login").text.split('name="login_csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"username": "anna", "password": PASSWORD,
                                         "login_csrf": token})  # fmt: skip
    assert answer.status_code == 303
    out = client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)})
    assert out.headers["location"] == "/login"  # a local session: no provider to visit


def test_without_local_login_only_the_provider_is_offered(tmp_path: Path) -> None:
    with site_with_sso(tmp_path, cookie_secure=False, local_login=False) as (site, _):
        client = _client(site)
        page = client.get("/login")
        assert 'href="/login/sso"' in page.text and 'name="password"' not in page.text
        answer = client.post("/login", data={"username": "anna", "password": PASSWORD})
        assert answer.status_code == 403
        assert "terugkeer_session" not in client.cookies
        assert _log(site, "session.sign_in.refused") == [("anna", "local_login_off")]


def test_a_name_reused_at_the_provider_does_not_get_the_account(
    sso: tuple[Site, Provider],
) -> None:
    site, provider = sso
    _sign_in(site, "sub-sanne")
    provider.set_claims("sub-otto", {"preferred_username": "sanne", "roles": "dtenv-auditor"})
    _, refused = _sign_in(site, "sub-otto")
    assert refused.status_code == 403
    assert _log(site, "session.sign_in.sso.refused") == [("sanne", "other_subject")]


def test_the_admin_manages_an_sso_account_only_by_disabling_it(
    sso: tuple[Site, Provider],
) -> None:
    site, _ = sso
    _sign_in(site, "sub-sanne")
    admin = signed_in(site, "root")
    listed = admin.get("/admin/users").text
    assert "logt in via de identiteitsprovider" in listed
    token = csrf_of(listed)
    reset = admin.post("/admin/users/sanne/reset", data={"csrf_token": token})
    assert reset.status_code == 422 and "rol en team worden daar beheerd" in reset.text
    moved = admin.post("/admin/users/sanne/change",
                       data={"csrf_token": token, "role": "admin", "team": ""})  # fmt: skip
    assert moved.status_code == 422
    assert admin.post("/admin/users/sanne/disable", data={"csrf_token": token}).status_code == 303
    _, refused = _sign_in(site, "sub-sanne")
    assert refused.status_code == 403 and "uitgeschakeld" in refused.text
    assert _log(site, "session.sign_in.sso.refused") == [("sanne", "disabled")]


def test_an_unreachable_provider_is_a_refusal_page_not_a_crash(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{_free_port()}"  # nobody listens there
    with running_site(f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=False,
                      oidc_issuer=closed, oidc_client_id="terugkeer") as site:  # fmt: skip
        refused = _client(site).get("/login/sso", headers={"accept-language": "en"})
        assert refused.status_code == 502
        assert "cannot be reached" in refused.text
        assert _log(site, "session.sign_in.sso.refused") == [("-", "provider_unreachable")]


def test_a_discovery_document_of_another_issuer_is_refused(tmp_path: Path) -> None:
    with running_provider() as provider, running_site(
        f"sqlite:///{tmp_path / 'store.db'}", cookie_secure=False,
        oidc_issuer=provider.url + "/", oidc_client_id="terugkeer",  # not what it says it is
    ) as site:  # fmt: skip
        assert _client(site).get("/login/sso").status_code == 400
        assert _log(site, "session.sign_in.sso.refused") == [("-", "wrong_issuer")]
