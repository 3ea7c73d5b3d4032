"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser
that signed in as a name before proves it with a cookie, and its attempts for that name are
judged on its own counter only (domain/sign_in_throttle.py), so no stranger can hold the real
user's own browser back.

The cookie is `name.nonce.mac`: the name (base64url, so that any name fits a cookie), a random
nonce, and an HMAC-SHA256 of both under a key derived from the configured pseudonym key (or
its public development fallback). Nothing is stored for it: a cookie that does not verify, or
is for another name, counts as none.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from terugkeer.settings import Settings
from terugkeer.store.pseudonyms import DEVELOPMENT_KEY

DEVICE_COOKIE = "device"
#: How long a browser stays known (OWASP: long-lived; it is renewed at every sign-in).
DEVICE_COOKIE_SECONDS = 365 * 24 * 3600


def _key(settings: Settings) -> bytes:
    configured = settings.pseudonym_key
    root = configured.get_secret_value().encode() if configured else DEVELOPMENT_KEY
    # A key of its own: a device cookie's MAC says nothing about a pseudonym, nor back.
    return hmac.new(root, b"device-cookie", hashlib.sha256).digest()


def _mac(settings: Settings, name: str, nonce: str) -> str:
    message = f"{name}\n{nonce}".encode()
    return hmac.new(_key(settings), message, hashlib.sha256).hexdigest()


def issue(settings: Settings, name: str) -> str:
    """A new device cookie's value for a browser that just signed in as `name`."""
    nonce = secrets.token_urlsafe(16)
    encoded = base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")
    return f"{encoded}.{nonce}.{_mac(settings, name, nonce)}"


def nonce_of(settings: Settings, cookie: str | None, name: str) -> str | None:
    """The nonce of a genuine device cookie for `name`; None for none, a forged one or one
    for another name."""
    if not cookie or cookie.count(".") != 2:
        return None
    encoded, nonce, mac = cookie.split(".")
    try:
        named = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    if named != name or not nonce:
        return None
    return nonce if hmac.compare_digest(mac, _mac(settings, name, nonce)) else None
