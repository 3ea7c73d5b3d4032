"""Security headers on every response (BIO, NCSC web guidelines): a CSP without inline scripts
or styles, no sniffing, no framing, no referrer leaking a V-number in a URL; HSTS when the site
is served over TLS (`served_over_tls`: never on the plain-HTTP demo, where a browser would then
refuse the address for a year)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
#: A year, and every subdomain: the NCSC's advice for HSTS.
HSTS = {"strict-transport-security": "max-age=31536000; includeSubDomains"}
#: Pages hold personal data: never in a shared or browser cache.
NO_STORE = {"cache-control": "no-store"}


class SecurityHeaders:
    def __init__(
        self, app: ASGIApp, form_targets: tuple[str, ...] = (), *, served_over_tls: bool = False
    ) -> None:
        """`form_targets`: other origins a form post may end at (the identity provider's
        sign-out, which the sign-out form redirects to: browsers hold redirects to form-action)."""
        self.app = app
        csp = HEADERS["content-security-policy"]
        allowed = " ".join(("'self'", *form_targets))
        self.headers = {**HEADERS, "content-security-policy": csp.replace(
            "form-action 'self'", f"form-action {allowed}")}  # fmt: skip
        if served_over_tls:
            self.headers |= HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                extra = self.headers if static else {**self.headers, **NO_STORE}
                headers += [(k.encode(), v.encode()) for k, v in extra.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
