"""An SVG picture as PNG, drawn by Debian's headless Chromium through Playwright (docs: WEB.md),
with Fira Sans (vendored, OFL) so that the PNG has the pages' font.

Why Chromium: it is already what the charts' PNGs need (kaleido drives it too), it renders SVG
text exactly as the dashboard shows it, and no SVG rasteriser (cairosvg, resvg) is installed.
Playwright's own time limits end a Chromium that hangs; the error is one sentence.
"""

from __future__ import annotations

import asyncio
import shutil
from concurrent.futures import ThreadPoolExecutor

from terugkeer.reports.fonts import fira_sans

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
#: Milliseconds Chromium may take to start or to draw.
TIME_LIMIT_MS = 60_000


class PngError(RuntimeError):
    """Chromium could not draw the PNG (missing, or it failed or overran)."""


def png_of_svg(svg: str, width: int, scale: float = 2.0) -> bytes:
    """The PNG of `svg` drawn `width` CSS pixels wide (its height follows its aspect ratio),
    at `scale` device pixels per CSS pixel."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:  # pragma: no cover - playwright is a dependency
        raise PngError("the PNG needs playwright (pip install playwright)") from error
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise PngError("the PNG needs Chromium (Debian: apt-get install chromium)")
    page = (f"<!doctype html><html><head><meta charset='utf-8'><style>{fira_sans()}"
            "html,body{margin:0;background:#fff}svg{display:block;width:100%;height:auto}"
            f"</style></head><body>{svg}</body></html>")  # fmt: skip
    if _in_event_loop():
        # Playwright's sync API refuses to run inside a running asyncio loop (a caller that is
        # itself async, or a test process whose browser tests left one): draw in a thread.
        with ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(png_of_svg, svg, width, scale).result()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=ARGS,
                                                 timeout=TIME_LIMIT_MS)  # fmt: skip
            try:
                context = browser.new_context(viewport={"width": width, "height": 400},
                                              device_scale_factor=scale)  # fmt: skip
                tab = context.new_page()
                tab.set_default_timeout(TIME_LIMIT_MS)
                tab.set_content(page, wait_until="load")
                tab.evaluate("document.fonts.ready.then(() => true)")
                return tab.screenshot(full_page=True, type="png")
            finally:
                browser.close()
    except Error as error:
        raise PngError(f"Chromium could not draw the PNG: {error.message.splitlines()[0]}")  # noqa: B904


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
