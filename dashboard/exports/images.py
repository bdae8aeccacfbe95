"""Images of a chart (PNG, SVG) with its title, filters, source, data date and "accessed on" line baked in, drawn
by kaleido through its public API: one warm Chromium for the process (started on first use), one drawing at a
time, and a short queue beyond which requests are told to come back (ImageBusy: 503 with Retry-After)."""
from __future__ import annotations

import copy
import html
import os
import textwrap
import threading
from contextlib import contextmanager
from pathlib import Path

import plotly.graph_objects as go

from dashboard import figures
from dashboard.exports.context import IMAGE_FORMATS, Context, accessed_line, assumptions, data_date
from dashboard.registry import Rendered
from dashboard.theme import Colour

IMAGE_WIDTH, IMAGE_HEIGHT = 1200, 760
SLIDE_IMAGE_WIDTH, SLIDE_IMAGE_HEIGHT = 1200, 675
# One Chromium draws images one at a time. Requests beyond one drawing and IMAGE_QUEUE waiting are told to come
# back (503, Retry-After) rather than holding a server thread each, so cheap requests (CSV, pages) never
# queue behind images; a waiting request gives up after IMAGE_WAIT_SECONDS.
IMAGE_QUEUE = 2
IMAGE_WAIT_SECONDS = 30
FOOTER_WRAP = 105  # characters a footer line: fits the narrowest plot area (long y labels) at 1200 px
DEFAULT_BROWSER = "/usr/bin/chromium"


class ImageUnavailable(RuntimeError):
    """The image renderer (kaleido and Chromium) could not draw the figure."""


class ImageBusy(RuntimeError):
    """The image queue is full: the client should try again later (503 with Retry-After)."""


def footer_lines(rendered: Rendered, ctx: Context, width: int = FOOTER_WRAP) -> list[str]:
    """The lines under an image (HTML for plotly): demo label, source, data date, accessed on, wrapped."""
    lines = [f"<b>{html.escape(figures.DEMO_NOTE)}</b>"] if ctx.demo and rendered.demo else []
    noted = [f"Assumptions: {assumptions(rendered)}"] if assumptions(rendered) else []
    for text in (f"Source: {rendered.chart.source}", *noted, data_date(rendered, ctx), accessed_line(ctx)):
        lines += [html.escape(line) for line in textwrap.wrap(text, width)]
    return lines


def image_figure(rendered: Rendered, ctx: Context, *, title: bool = True) -> go.Figure:
    """The chart's figure with its title, filters, source, data date, "accessed on" line and demo label baked in.

    The footer replaces the page's one-line source note and is wrapped, so it fits however far the plot
    area is pushed right by long axis labels.
    """
    fig = go.Figure(copy.deepcopy(rendered.figure.to_dict()))
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "source-note"]
    margin = fig.layout.margin
    top, bottom = margin.t if margin.t is not None else 56, margin.b if margin.b is not None else 64
    lines = footer_lines(rendered, ctx)
    new_bottom = max(bottom, 80 + 15 * len(lines))
    new_top = max(top, 125) if title else top
    # Keep the plot area the page gives it: add the height of the title and of the footer.
    height = (fig.layout.height or 450) + (new_top - top) + (new_bottom - bottom)
    if title:
        fig.update_layout(title={
            "text": f"<b>{html.escape(rendered.chart.title)}</b><br>"
                    f"<span style='font-size:14px'>{html.escape(rendered.filters.describe())}</span>",
            "x": 0.012, "xanchor": "left", "xref": "container", "y": 0.985, "yanchor": "top", "yref": "container",
            "font": {"size": 20, "color": Colour.TEXT}})
    fig.add_annotation(text="<br>".join(lines), x=0, y=0, xref="paper", yref="paper", yshift=-70,
                       xanchor="left", yanchor="top", showarrow=False, align="left",
                       font={"size": 12, "color": Colour.SECONDARY_TEXT}, name="export-footer")
    fig.update_layout(margin={"t": new_top, "b": new_bottom}, width=None, autosize=False,
                      height=max(IMAGE_HEIGHT if title else SLIDE_IMAGE_HEIGHT, height))
    return fig


def browser_path() -> str | None:
    """The Chromium that draws images and prints PDFs: ``BROWSER_PATH`` if set, else Debian's chromium if there,
    else None (choreographer looks for one)."""
    given = os.environ.get("BROWSER_PATH")
    if given:
        return given
    return DEFAULT_BROWSER if Path(DEFAULT_BROWSER).exists() else None


class _Renderer:
    """kaleido's one synchronous server, used through its public API only and set up once: the browser is
    passed to it (Debian's chromium unless ``BROWSER_PATH`` names another), never written into the environment;
    MathJax is off (kaleido would fetch it from a CDN). Its calls are not safe for two threads at once: a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._places = threading.BoundedSemaphore(1 + IMAGE_QUEUE)
        self._held = threading.local()

    @contextmanager
    def slot(self):
        """A place in the queue for this thread (one drawing, ``IMAGE_QUEUE`` waiting), or ImageBusy.
        Re-entrant: a slide pack takes one place for all its images."""
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        if not self._places.acquire(blocking=False):
            raise ImageBusy(f"{1 + IMAGE_QUEUE} images are being drawn or waiting")
        self._held.depth = 1
        try:
            yield
        finally:
            self._held.depth = 0
            self._places.release()

    def draw(self, fig: go.Figure, opts: dict) -> bytes:
        import kaleido

        with self.slot():
            if not self._lock.acquire(timeout=IMAGE_WAIT_SECONDS):
                raise ImageBusy(f"waited {IMAGE_WAIT_SECONDS} s for the image renderer")
            try:
                # Starts the server on first use; a no-op once it runs (kaleido's singleton).
                kaleido.start_sync_server(path=browser_path(), mathjax=False, timeout=60, silence_warnings=True)
                return kaleido.calc_fig_sync(fig, opts=opts)
            except Exception as error:
                raise ImageUnavailable(f"the image could not be drawn ({type(error).__name__})") from error
            finally:
                self._lock.release()


RENDERER = _Renderer()
image_slot = RENDERER.slot


def to_image(fig: go.Figure, fmt: str, width: int = IMAGE_WIDTH, height: int | None = None) -> bytes:
    """Draw a figure (PNG or SVG) on the one warm Chromium. The height is the figure's own (``image_figure`` sets
    it) unless given."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"not an image format: {fmt}")
    height = height or fig.layout.height or IMAGE_HEIGHT
    return RENDERER.draw(fig, {"format": fmt, "width": width, "height": height})


def image(rendered: Rendered, ctx: Context, fmt: str) -> bytes:
    return to_image(image_figure(rendered, ctx), fmt)
