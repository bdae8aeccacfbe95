"""Every chart in the registry, out of the dashboard: images (PNG, SVG), its numbers (CSV, Excel), a
workbook of a page, a slide pack and the embed page. One mechanism for every chart, present and future.

Images are drawn server-side by kaleido with the system Chromium, kept warm (one browser for the
process, started on first use) rather than one per image. An image carries its title, the filters in
words, the source, the data's date, an "accessed on" line and, for demo data, "synthetic demo data".
CSV and Excel carry the chart's ``registry.render(...).data`` (without plotting helpers such as
``period_start``, a date that only positions ``period`` on the x axis).
"""
from __future__ import annotations

import copy
import html
import io
import os
import re
import textwrap
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

import queries
from dashboard import figures, registry
from dashboard.safety import neutralise, neutralise_frame
from dashboard.filters import period_label
from dashboard.registry import Chart, Rendered
from dashboard.stats import disclosure, quality
from dashboard.theme import Colour

DATA_FORMATS = ("csv", "xlsx")
IMAGE_FORMATS = ("png", "svg")
FORMATS = IMAGE_FORMATS + DATA_FORMATS
MIMETYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
IMAGE_WIDTH, IMAGE_HEIGHT = 1200, 760
SLIDE_IMAGE_WIDTH, SLIDE_IMAGE_HEIGHT = 1200, 675
# Columns that only place a value on an axis (the start date of a "period"): not numbers behind the chart.
HELPER_COLUMNS = {"period_start": "period"}
MAX_BRIEFING_CHARTS = 10  # the largest page has 6; each slide is an image of a second or two
# One Chromium draws images one at a time. Requests beyond one drawing and IMAGE_QUEUE waiting are told to come
# back (503, Retry-After) rather than holding a server thread each, so cheap requests (CSV, pages) never
# queue behind images; a waiting request gives up after IMAGE_WAIT_SECONDS.
IMAGE_QUEUE = 2
IMAGE_WAIT_SECONDS = 30
QUARTER = re.compile(r"\d{4}Q[1-4]")
FOOTER_WRAP = 105  # characters a footer line: fits the narrowest plot area (long y labels) at 1200 px
DISCLOSURE_NOTE = disclosure.NOTE  # the rule's one statement, owned by dashboard.stats.disclosure
LICENCE = "Contains public sector information licensed under the Open Government Licence v3.0"
DEFAULT_BROWSER = "/usr/bin/chromium"
SANDBOX_NOTE = ("If you sandbox this iframe, allow scripts, same-origin, popups and downloads "
                '(sandbox="allow-scripts allow-same-origin allow-popups allow-downloads") '
                "so the chart draws and its links and downloads work.")


class ImageUnavailable(RuntimeError):
    """The image renderer (kaleido and Chromium) could not draw the figure."""


class ImageBusy(RuntimeError):
    """The image queue is full: the client should try again later (503 with Retry-After)."""


# ---- what goes around every output -------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    """Where and when an export was made: the dashboard view's address, today's date, the data's meta."""
    url: str
    accessed: date
    meta: dict
    demo: bool

    @classmethod
    def now(cls, url: str) -> Context:
        try:
            wh = queries.warehouse()
            meta, demo = dict(wh.meta), wh.is_demo
        except queries.WarehouseUnavailable:
            meta, demo = {}, True
        return cls(url=url, accessed=date.today(), meta=meta, demo=demo)


def page_name(path: str) -> str:
    """A page's name in export URLs: '/' -> 'overview', '/regions' -> 'regions'."""
    return path.strip("/") or "overview"


def pages() -> dict[str, str]:
    """Page name -> page path, for every page that has charts."""
    return {page_name(c.page): c.page for c in registry.charts()}


def charts_on_page(name: str) -> list[Chart]:
    path = pages().get(name)
    return [] if path is None else registry.charts(path)


def table(rendered: Rendered) -> pd.DataFrame:
    """The numbers behind the chart, as exported (plotting helpers dropped when what they derive from is there)."""
    frame = rendered.data
    drop = [c for c, source in HELPER_COLUMNS.items() if c in frame.columns and source in frame.columns]
    return frame.drop(columns=drop)


def data_date(rendered: Rendered, ctx: Context) -> str:
    """'Data to Apr-Jun 2026; warehouse built 23 November 2026'."""
    parts = []
    data = rendered.data
    last = ctx.meta.get("last_period")
    if "period" in data.columns and len(data):
        # Quarters ('2026Q2') sort as text; a published series' own labels ('Mar-May 2024') by their end date.
        last = str(data.loc[data["period_end"].idxmax(), "period"] if "period_end" in data.columns
                   else data["period"].max())
    if last:
        parts.append(f"Data to {period_label(last) if QUARTER.fullmatch(last) else last}")
    built = ctx.meta.get("built_at")
    if built:
        try:
            parts.append(f"warehouse built {_long_date(datetime.fromisoformat(built).date())}")
        except ValueError:
            parts.append(f"warehouse built {built}")
    return "; ".join(parts)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def accessed_line(ctx: Context) -> str:
    """Crown-copyright style, as FingertipsNext prints under its charts (no Crown copyright on made-up data)."""
    crown = "" if ctx.demo else f"© Crown copyright {ctx.accessed.year}. "
    return f"{crown}Accessed on {_long_date(ctx.accessed)} from {ctx.url}. {LICENCE}."


def assumptions(rendered: Rendered) -> str:
    """The assumptions a chart's numbers rest on (e.g. the return on investment's), recorded in every export."""
    return str(rendered.data.attrs.get("assumptions", ""))


def provenance(rendered: Rendered, ctx: Context) -> list[tuple[str, str]]:
    """The header block of every data export: (label, text) pairs."""
    rows = [
        ("Title", rendered.chart.title),
        ("Filters", rendered.filters.describe()),
        ("Source", rendered.chart.source),
        ("Description", rendered.chart.description),
        ("Summary", rendered.summary),
        ("Data date", data_date(rendered, ctx)),
        ("Notes", f"{DISCLOSURE_NOTE} {quality.note()}"),
        ("Accessed", accessed_line(ctx)),
        ("Chart id", rendered.chart.id),
    ]
    if assumptions(rendered):
        labels = [label for label, _ in rows]
        at = labels.index("Notes") if "Notes" in labels else len(rows)
        rows.insert(at, ("Assumptions", assumptions(rendered)))
    if ctx.demo and rendered.synthetic:
        rows.insert(0, ("Warning", f"{figures.DEMO_NOTE}: synthetic demo data, generated for demonstration."))
    return rows


# ---- images ---------------------------------------------------------------------------------------------

def footer_lines(rendered: Rendered, ctx: Context, width: int = FOOTER_WRAP) -> list[str]:
    """The lines under an image (HTML for plotly): demo label, source, data date, accessed on, wrapped."""
    lines = [f"<b>{html.escape(figures.DEMO_NOTE)}</b>"] if ctx.demo and rendered.synthetic else []
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


_kaleido_lock = threading.Lock()
_image_places = threading.BoundedSemaphore(1 + IMAGE_QUEUE)
_held = threading.local()


@contextmanager
def image_slot():
    """A place in the image queue for this thread (one drawing, ``IMAGE_QUEUE`` waiting), or ImageBusy.
    Re-entrant: a slide pack takes one place for all its images."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    if not _image_places.acquire(blocking=False):
        raise ImageBusy(f"{1 + IMAGE_QUEUE} images are being drawn or waiting")
    _held.depth = 1
    try:
        yield
    finally:
        _held.depth = 0
        _image_places.release()


def to_image(fig: go.Figure, fmt: str, width: int = IMAGE_WIDTH, height: int | None = None) -> bytes:
    """Draw a figure with kaleido on one warm Chromium (started on first use, shared by all requests).

    The height is the figure's own (``image_figure`` sets it) unless given.
    """
    height = height or fig.layout.height or IMAGE_HEIGHT
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"not an image format: {fmt}")
    import kaleido

    # choreographer finds the browser through BROWSER_PATH: Debian's chromium unless told otherwise.
    if not os.environ.get("BROWSER_PATH") and Path(DEFAULT_BROWSER).exists():
        os.environ["BROWSER_PATH"] = DEFAULT_BROWSER
    # The sync server is one browser fed by one queue; its call is not safe for two threads at once.
    with image_slot():
        if not _kaleido_lock.acquire(timeout=IMAGE_WAIT_SECONDS):
            raise ImageBusy(f"waited {IMAGE_WAIT_SECONDS} s for the image renderer")
        try:
            if not kaleido._global_server.is_running():  # noqa: SLF001  no public "is running" in kaleido 1.x
                # mathjax=False: kaleido would otherwise fetch MathJax from a CDN (no CDN on an intranet).
                kaleido.start_sync_server(mathjax=False, timeout=60, silence_warnings=True)
            return kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width, "height": height})
        except Exception as error:  # noqa: BLE001  any renderer failure becomes one clear message
            raise ImageUnavailable(f"the image could not be drawn ({type(error).__name__})") from error
        finally:
            _kaleido_lock.release()


def image(rendered: Rendered, ctx: Context, fmt: str) -> bytes:
    return to_image(image_figure(rendered, ctx), fmt)


# ---- data -----------------------------------------------------------------------------------------------

def csv(rendered: Rendered) -> bytes:
    frame = table(rendered)
    if frame.empty:
        # An empty chart still says what it would hold and why it holds nothing: its header and one note row.
        columns = list(frame.columns) or ["note"]
        frame = pd.DataFrame([[f"No data: {rendered.empty_message}"] + [None] * (len(columns) - 1)],
                             columns=columns)
    return neutralise_frame(frame).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31]
    out, n = base, 2
    while out.lower() in taken:
        suffix = f"~{n}"
        out, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(out.lower())
    return out


def _write_pairs(ws, rows: list[tuple[str, str]], start: int = 1) -> int:
    from openpyxl.styles import Alignment, Font

    for i, (label, text) in enumerate(rows, start=start):
        ws.cell(row=i, column=1, value=neutralise(label)).font = Font(bold=True)
        cell = ws.cell(row=i, column=2, value=neutralise(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 110
    return start + len(rows)


def _write_data(writer: pd.ExcelWriter, frame: pd.DataFrame, sheet: str) -> None:
    frame = neutralise_frame(frame)
    frame.to_excel(writer, sheet_name=sheet, index=False)
    ws = writer.sheets[sheet]
    ws.freeze_panes = "A2"
    for i, column in enumerate(frame.columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, min(40, len(str(column)) + 4))


def _write_columns(writer: pd.ExcelWriter, frames: list[tuple[str, pd.DataFrame]]) -> None:
    """A "Columns" sheet: each data sheet's machine-friendly column names beside a reader's header with its
    unit (the words "Show as table" uses), so the data sheets stay easy to script against."""
    from dashboard import labels

    rows = [{"Sheet": sheet, "Column": column, "Meaning": label} for sheet, frame in frames
            for column, label in zip(frame.columns, labels.headers(frame.columns), strict=True)]
    pd.DataFrame(rows, columns=["Sheet", "Column", "Meaning"]).to_excel(writer, sheet_name="Columns", index=False)
    ws = writer.sheets["Columns"]
    for letter, width in (("A", 28), ("B", 28), ("C", 60)):
        ws.column_dimensions[letter].width = width


def xlsx(rendered: Rendered, ctx: Context) -> bytes:
    """A workbook: an "About" sheet (title, filters, source, notes), a "Data" sheet of the numbers and a
    "Columns" sheet saying what each column is."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame().to_excel(writer, sheet_name="About", index=False)
        _write_pairs(writer.sheets["About"], provenance(rendered, ctx))
        data = table(rendered)
        _write_data(writer, data, "Data")
        _write_columns(writer, [("Data", data)])
    return buffer.getvalue()


def page_xlsx(name: str, items: list[Rendered], ctx: Context) -> bytes:
    """Every chart on a page: a "Notes" sheet (filters, sources, notes, a row a chart), then a sheet a chart,
    then "Columns" (what each column is)."""
    buffer = io.BytesIO()
    taken = {"notes", "columns"}
    sheets = [_sheet_name(r.chart.id, taken) for r in items]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Notes", index=False)
        ws = writer.sheets["Notes"]
        head = [("Page", name), ("Filters", items[0].filters.describe() if items else "")]
        if ctx.demo and any(r.synthetic for r in items):
            head.insert(0, ("Warning", f"{figures.DEMO_NOTE}: synthetic demo data, generated for demonstration."))
        head += [("Data date", data_date(items[0], ctx) if items else ""), ("Notes", f"{DISCLOSURE_NOTE} {quality.note()}"),
                 ("Accessed", accessed_line(ctx))]
        row = _write_pairs(ws, head) + 1
        from openpyxl.styles import Font

        for col, label in enumerate(("Sheet", "Title", "Source", "Description", "Summary"), start=1):
            ws.cell(row=row, column=col, value=label).font = Font(bold=True)
        for i, (sheet, rendered) in enumerate(zip(sheets, items, strict=True), start=row + 1):
            for col, value in enumerate((sheet, rendered.chart.title, rendered.chart.source,
                                         rendered.chart.description, rendered.summary), start=1):
                ws.cell(row=i, column=col, value=neutralise(value))
        frames = [(sheet, table(rendered)) for rendered, sheet in zip(items, sheets, strict=True)]
        for sheet, frame in frames:
            _write_data(writer, frame, sheet)
        _write_columns(writer, frames)
    return buffer.getvalue()


# ---- slide pack -----------------------------------------------------------------------------------------

def briefing_pptx(items: list[Rendered], ctx: Context) -> bytes:
    """One slide a chart: its title, the chart (drawn by kaleido), filters, source, data date, accessed on."""
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    layout = prs.slide_layouts[5]  # "Title Only"
    for rendered in items:
        slide = prs.slides.add_slide(layout)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.9)
        title.text = neutralise(rendered.chart.title)
        title.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
        fig = image_figure(rendered, ctx, title=False)
        png = to_image(fig, "png", SLIDE_IMAGE_WIDTH)
        # A chart resting on assumptions (the estimated return) also carries its summary, with the range and
        # the caveat: the picture gives up the room for it.
        noted = 0.7 if assumptions(rendered) else 0.0
        # Fit the picture in the space between title and footer, keeping its shape.
        scale = min(Inches(12.3) / SLIDE_IMAGE_WIDTH, Inches(5.2 - noted) / fig.layout.height)
        width, height = Emu(int(SLIDE_IMAGE_WIDTH * scale)), Emu(int(fig.layout.height * scale))
        slide.shapes.add_picture(io.BytesIO(png), int((prs.slide_width - width) / 2), Inches(1.25),
                                 width=width, height=height)
        box = slide.shapes.add_textbox(Inches(0.5), Inches(6.5 - noted), Inches(12.3), Inches(0.9 + noted))
        frame = box.text_frame
        frame.word_wrap = True
        lines = [rendered.filters.describe(), f"Source: {rendered.chart.source}", data_date(rendered, ctx),
                 accessed_line(ctx)]
        if assumptions(rendered):
            lines.insert(2, rendered.summary)
        if ctx.demo and rendered.synthetic:
            lines.insert(0, f"{figures.DEMO_NOTE}: synthetic demo data")
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = neutralise(line)
            paragraph.font.size = Pt(9 if noted else 10)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


# ---- embed ----------------------------------------------------------------------------------------------

def embed_figure(rendered: Rendered) -> go.Figure:
    """The chart's figure sized by its container (the iframe), not by a fixed height; no source annotation."""
    fig = go.Figure(rendered.figure)
    # The source note goes in the page's footer, where it wraps to the frame's width.
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "source-note"]
    fig.update_layout(height=None, width=None, autosize=True, margin={"b": 56})
    return fig


# The embed page's one inline script, allowed by its hash in the embed's CSP (no 'unsafe-inline'): draw the chart,
# then tell a host page running /embed.js how tall the content is, whenever that changes (and when asked).
EMBED_SCRIPT = """
(function () {
  var fig = JSON.parse(document.getElementById("embed-figure").textContent);
  // No toolbar (no "Share chart" upload to Plotly Cloud; the axes are fixed), as on the dashboard's pages.
  Plotly.newPlot("chart", fig.data, fig.layout, {responsive: true, displaylogo: false, showSendToCloud: false,
    displayModeBar: false}).then(function () {
    document.body.setAttribute("data-ready", "true");
  });
  // Tell a host page running /embed.js how tall the content is, whenever that changes (and when asked).
  var last = 0;
  function report(force) {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (window.parent === window || (height === last && !force)) { return; }
    last = height;
    window.parent.postMessage({type: "health-work-embed:height", height: height}, "*");
  }
  if (window.ResizeObserver) { new ResizeObserver(function () { report(false); }).observe(document.body); }
  window.addEventListener("load", function () { report(true); });
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "health-work-embed:ask") { report(true); }
  });
})();
"""


def embed_html(rendered: Rendered, *, plotly_src: str, dashboard_url: str, downloads: dict[str, str],
               demo: bool, a11y_src: str | None = None, oembed_href: str | None = None) -> str:
    """The chart alone, for an iframe: a small title, the figure as wide as the frame and as tall as the chart
    needs, links and the demo note. It posts its height to the parent window whenever that changes, so a host page
    with /embed.js (dashboard/embeds.py) sizes the iframe to it; ``oembed_href`` is its oEmbed discovery link.
    ``a11y_src`` (the app's ``assets/a11y.js``) makes the figure one image named by the title and described by
    the summary, as on the pages."""
    figure_json = embed_figure(rendered).to_json().replace("</", "<\\/")
    chart_height = int(rendered.figure.layout.height or 450)
    esc = html.escape
    discovery = (f'<link rel="alternate" type="application/json+oembed" href="{esc(oembed_href)}" '
                 f'title="{esc(rendered.chart.title)}">' if oembed_href else "")
    links = " · ".join(f'<a href="{esc(href)}" download>{esc(label)}</a>' for label, href in downloads.items())
    demo_note = f'<strong class="demo">{esc(figures.DEMO_NOTE)}</strong>' if demo else ""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(rendered.chart.title)}</title>
{discovery}
<style>
html, body {{ margin: 0; }}
body {{ display: flex; flex-direction: column; font-family: Arial, "Helvetica Neue", Helvetica, sans-serif;
       color: {Colour.TEXT}; background: {Colour.WHITE}; }}
h1 {{ font-size: 1rem; margin: 0.4rem 0.6rem 0; }}
.chart-scroll {{ display: flex; overflow-x: auto; }}
#chart {{ flex: 1 1 auto; height: {chart_height}px; }}
@media (max-width: 575.98px) {{ #chart {{ min-width: 860px; }} }}
footer {{ font-size: 0.75rem; padding: 0.2rem 0.6rem 0.4rem; display: flex; flex-wrap: wrap; gap: 0.4rem 1rem;
         color: {Colour.SECONDARY_TEXT}; }}
footer a {{ color: {Colour.DARK_BLUE}; }}
.demo {{ color: {Colour.TEXT}; }}
.visually-hidden {{ position: absolute !important; width: 1px !important; height: 1px !important; padding: 0 !important;
  margin: -1px !important; overflow: hidden !important; clip: rect(0, 0, 0, 0) !important; white-space: nowrap !important;
  border: 0 !important; }}
a:focus-visible, [tabindex]:focus-visible {{ outline: 3px solid #FFDD00; box-shadow: 0 0 0 6px {Colour.TEXT}; }}
</style>
</head>
<body>
<h1 id="embed-title">{esc(rendered.chart.title)}</h1>
<div class="chart-scroll"><div id="chart" data-labelledby="embed-title" data-describedby="embed-summary"></div></div>
<p id="embed-summary" class="visually-hidden">{esc(rendered.summary)}</p>
<footer>
{demo_note}
<span class="source">Source: {esc(rendered.chart.source)}</span>
{f'<span class="assumptions">Assumptions: {esc(assumptions(rendered))}</span>' if assumptions(rendered) else ""}
<a href="{esc(dashboard_url)}" target="_blank" rel="noopener" class="open-dashboard">Open in dashboard</a>
<span>Download: {links}</span>
</footer>
<script type="application/json" id="embed-figure">{figure_json}</script>
<script src="{esc(plotly_src)}"></script>
<script>{EMBED_SCRIPT}</script>
{f'<script src="{esc(a11y_src)}"></script>' if a11y_src else ""}
</body>
</html>
"""


def embed_snippet(src: str, title: str, host_script: str | None = None) -> str:
    """The iframe code an intranet editor pastes, with the note about sandboxed iframes, and the script that sizes
    the iframe to the chart (``host_script``: the address of /embed.js)."""
    script = f'\n<script src="{html.escape(host_script)}" async></script>' if host_script else ""
    return (f"<!-- {title}: a live chart from the health and work dashboard. {SANDBOX_NOTE} -->\n"
            f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" height="560" '
            f'style="border:0" loading="lazy"></iframe>{script}')


def image_link_snippet(png_src: str, view_url: str, alt: str, title: str) -> str:
    """For intranets that strip iframes: the chart's PNG export, described by its summary, linking to the live view."""
    return (f"<!-- {title}: a picture of the chart, linking to the live dashboard (for pages that cannot show "
            f"iframes). -->\n"
            f'<a href="{html.escape(view_url)}"><img src="{html.escape(png_src)}" alt="{html.escape(alt)}" '
            f'width="{IMAGE_WIDTH}" style="max-width:100%;height:auto"></a>')


def parse_chart_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
