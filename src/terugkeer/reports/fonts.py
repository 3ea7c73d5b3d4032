"""Fira Sans (the pages' font, OFL) as @font-face rules with data: URLs, so that a written HTML
file stands alone, a PDF carries its font and Chromium draws a PNG without the network."""

from __future__ import annotations

import base64
from importlib import resources


def fira_sans() -> str:
    """@font-face rules of the vendored Fira Sans (regular, italic, bold) as data: URLs."""
    folder = resources.files("terugkeer.web") / "static" / "vendor" / "fonts"
    faces = []
    for name, style, weight in (("fira-sans-latin-400-normal", "normal", 400),
                                ("fira-sans-latin-400-italic", "italic", 400),
                                ("fira-sans-latin-700-normal", "normal", 700)):  # fmt: skip
        data = base64.b64encode((folder / f"{name}.woff2").read_bytes()).decode()
        faces.append(f"@font-face {{ font-family: 'Fira Sans'; font-style: {style}; "
                     f"font-weight: {weight}; src: url(data:font/woff2;base64,{data}) "
                     "format('woff2'); }")  # fmt: skip
    return "\n".join(faces)
