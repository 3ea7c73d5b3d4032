"""Static images (SVG, PNG) of plotly figures, drawn by kaleido in a headless Chromium — in a
child process with a time limit, tried again once.

kaleido is known to hang now and then and never return (plotly/Kaleido#134, #110, #402); seen
here too, once in a CI run. A command that waits forever is worse than one that fails, so each
drawing runs in a process of its own that is killed when it overruns, and is tried once more;
after that the caller gets a PlotImageError with one sentence.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from typing import Any

#: Seconds one drawing may take (a Sankey or a comparison chart takes 2 to 5 s here).
TIME_LIMIT = 90.0
ATTEMPTS = 2


class PlotImageError(RuntimeError):
    """kaleido did not draw the image in time, twice, or failed."""


def plot_image(figure: Any, fmt: str, **options: Any) -> bytes:
    """The image of plotly `figure` as `fmt` ("svg", "png"), with kaleido's `options` (width,
    height, scale)."""
    if "BROWSER_PATH" not in os.environ and (chromium := shutil.which("chromium")):
        os.environ["BROWSER_PATH"] = chromium  # Debian's Chromium, not one kaleido fetches
    spec = figure.to_json()
    context = multiprocessing.get_context("spawn")
    for _ in range(ATTEMPTS):
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(target=_draw, args=(spec, fmt, options, sending), daemon=True)
        child.start()
        sending.close()
        ready = receiving.poll(TIME_LIMIT)
        answer = receiving.recv() if ready else None
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
        if isinstance(answer, bytes):
            return answer
        if isinstance(answer, str):
            raise PlotImageError(f"kaleido could not draw the {fmt} image: {answer}")
    raise PlotImageError(
        f"kaleido did not draw the {fmt} image within {TIME_LIMIT:.0f} s, {ATTEMPTS} times"
    )


def _draw(spec: str, fmt: str, options: dict[str, Any], sending: Any) -> None:
    import plotly.io as pio

    try:
        image = pio.from_json(spec).to_image(format=fmt, **options)
        sending.send(bytes(image))
    except Exception as error:
        sending.send(f"{type(error).__name__}: {error}")
    finally:
        sending.close()
