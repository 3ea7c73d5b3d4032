"""Opaque cursors for pagination (API Design Rules: cursor-based): a prefix and a position,
base64url without padding, so that clients pass them back rather than build them."""

from __future__ import annotations

import base64
import binascii
import re

from terugkeer.web.api.models import InvalidParam
from terugkeer.web.api.problems import ProblemError


def encode(kind: str, position: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode("ascii").rstrip("=")


def decode(text: str, kind: str, position: str) -> str:
    """The position in a cursor of `kind` whose position matches the regex `position`;
    400 with the parameter named for anything else."""
    try:
        value = base64.urlsafe_b64decode(text.encode("ascii") + b"==").decode("ascii")
        prefix = f"{kind}:"
        if value.startswith(prefix) and re.fullmatch(position, value[len(prefix) :]):
            return value[len(prefix) :]
    except (binascii.Error, UnicodeError, ValueError):
        pass
    invalid = [InvalidParam(name="query.cursor", reason="not a cursor this API gave")]
    raise ProblemError(400, "the cursor is not valid", invalid)
