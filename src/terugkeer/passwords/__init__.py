"""The list of common and breached passwords that ships with the product (see README.md here):
read once per process, from package data, so that no check depends on a network."""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files


@cache
def common_passwords() -> frozenset[str]:
    """Every listed password, lower case (≈ 20,000; read on first use, ≈ 1 MB in memory)."""
    packed = (files(__package__) / "common-passwords.txt.gz").read_bytes()
    lines = gzip.decompress(packed).decode().splitlines()
    return frozenset(line.strip() for line in lines if line.strip())
