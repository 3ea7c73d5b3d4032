"""Single sign-on settings that could not work safely are refused at start-up, not at the
first sign-in."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from terugkeer.domain.permissions import Role
from terugkeer.settings import Settings


@pytest.mark.parametrize("issuer", ["http://idp.example.nl", "ftp://idp.example.nl", "idp"])
def test_an_issuer_without_tls_is_refused(issuer: str) -> None:
    with pytest.raises(ValidationError, match="https"):
        Settings(oidc_issuer=issuer, oidc_client_id="terugkeer")


def test_an_issuer_needs_a_client_id() -> None:
    with pytest.raises(ValidationError, match="oidc_client_id"):
        Settings(oidc_issuer="https://idp.example.nl")


def test_the_role_map_is_read_as_json_and_names_roles_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TERUGKEER_OIDC_ROLE_MAP", '{"dtenv-auditor": "auditor"}')
    assert Settings().oidc_role_map == {"dtenv-auditor": Role.AUDITOR}
    monkeypatch.setenv("TERUGKEER_OIDC_ROLE_MAP", '{"dtenv-baas": "superuser"}')
    with pytest.raises(ValidationError):
        Settings()


def test_loopback_over_http_is_allowed_for_tests() -> None:
    assert Settings(oidc_issuer="http://localhost:8080", oidc_client_id="t").oidc_issuer
