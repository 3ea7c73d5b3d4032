"""The identity provider as this system talks to it: OpenID Connect's authorization code flow
with PKCE (S256), as a confidential client, through authlib.

The provider's discovery document gives its endpoints and its keys (JWKS). An ID token counts
only with a valid signature by one of those keys, this provider as `iss`, this client in `aud`,
an `exp` in the future and the `nonce` this flow sent. authlib keeps the discovery document and
the keys in memory, and fetches the keys again when a token names one it does not know (a key
rotation at the provider).
"""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from typing import Any, cast

import httpx
from fastapi import Request

from terugkeer.settings import Settings

DISCOVERY = "/.well-known/openid-configuration"


def _import_authlib() -> None:
    """authlib (with joserfc and cryptography) is imported when a provider is first used,
    not with the pages: it takes a tenth of a second or more of every start, the demo's
    included, and most stores have no provider."""
    with warnings.catch_warnings():
        # authlib 1.9 announces its own coming changes (authlib.jose → joserfc, its httpx
        # module) when imported: nothing an operator can act on. Its module sets its warnings
        # to "always" when first imported: ours must come after.
        import authlib.deprecate

        warnings.simplefilter("ignore", DeprecationWarning)
        import authlib.integrations.starlette_client
        import authlib.jose.errors  # noqa: F401


class ProviderFailed(Exception):  # noqa: N818 - answered with a refusal page
    """The provider's answer cannot be used; `reason` is logged (never a token or a claim)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Pending:
    """A started flow, kept by the browser until the provider sends it back to the callback."""

    state: str
    nonce: str
    verifier: str

    def text(self) -> str:
        # All three are URL-safe base64 (letters, digits, '-', '_'): '.' cannot occur in them.
        return f"{self.state}.{self.nonce}.{self.verifier}"

    @classmethod
    def parse(cls, text: str) -> Pending | None:
        parts = text.split(".")
        if len(parts) != 3 or not all(parts):
            return None
        return cls(*parts)


class Provider:
    def __init__(self, settings: Settings) -> None:
        issuer = settings.oidc_issuer or ""  # https, or loopback: checked by Settings
        self.issuer = issuer
        self.client_id = settings.oidc_client_id
        secret = settings.oidc_client_secret
        _import_authlib()
        from authlib.integrations.starlette_client import OAuth

        self._client: Any = OAuth().register(
            "provider",
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            server_metadata_url=issuer.rstrip("/") + DISCOVERY,
            client_kwargs={
                "scope": settings.oidc_scopes,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": "client_secret_basic",
                "timeout": 10,
            },
        )

    async def metadata(self) -> dict[str, Any]:
        """The discovery document; it must name the configured issuer (OIDC Discovery 4.3)."""
        try:
            found = cast(dict[str, Any], await self._client.load_server_metadata())
        except (httpx.HTTPError, ValueError) as failed:
            raise ProviderFailed("provider_unreachable") from failed
        if found.get("issuer") != self.issuer:
            raise ProviderFailed("wrong_issuer")
        return found

    async def start(self, redirect_uri: str) -> tuple[str, Pending]:
        """The provider's address to send the browser to, and the flow to remember."""
        await self.metadata()
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        started = await self._client.create_authorization_url(
            redirect_uri, state=state, nonce=nonce, code_verifier=secrets.token_urlsafe(48)
        )
        return str(started["url"]), Pending(state, nonce, str(started["code_verifier"]))

    async def finish(
        self, pending: Pending, code: str, redirect_uri: str
    ) -> tuple[dict[str, object], str]:
        """The checked claims of the ID token the code is exchanged for, and the token."""
        from authlib.integrations.base_client import OAuthError
        from authlib.jose.errors import JoseError
        from joserfc.errors import JoseError as JoseRfcError

        await self.metadata()
        try:
            token = await self._client.fetch_access_token(
                redirect_uri=redirect_uri, code=code, code_verifier=pending.verifier
            )
        except OAuthError as refused:
            raise ProviderFailed("code_refused") from refused
        except httpx.HTTPError as failed:
            raise ProviderFailed("provider_unreachable") from failed
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise ProviderFailed("no_id_token")
        expected = {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": self.client_id},
        }
        try:
            claims = await self._client.parse_id_token(token, pending.nonce, expected, leeway=60)
        except (JoseError, JoseRfcError, ValueError) as invalid:
            raise ProviderFailed("id_token_invalid") from invalid
        except httpx.HTTPError as failed:
            raise ProviderFailed("provider_unreachable") from failed
        return dict(claims), id_token

    async def end_session_url(self, id_token: str, back: str) -> str | None:
        """Where to sign out at the provider too; None when its discovery document names no
        `end_session_endpoint` (or it cannot be reached: the local session ended anyway)."""
        try:
            found = await self.metadata()
        except ProviderFailed:
            return None
        if not found.get("end_session_endpoint"):
            return None
        made = await self._client.create_logout_url(
            post_logout_redirect_uri=back, id_token_hint=id_token, client_id=self.client_id
        )
        return str(made["url"])


def provider_of(request: Request) -> Provider | None:
    """The configured provider (one per application, with its cached keys); None when single
    sign-on is off."""
    settings: Settings = request.app.state.system.settings
    if not settings.oidc_issuer:
        return None
    state = request.app.state
    if getattr(state, "oidc_provider", None) is None:
        state.oidc_provider = Provider(settings)
    provider: Provider = state.oidc_provider
    return provider
