"""``/export/profile.pdf?geo=``: the area profile as an A4 PDF, drawn on the server.

The profile's charts are drawn by kaleido (as every image export is) into one static HTML document with the
title, date, source, licence and demo label, which Debian's Chromium prints to PDF (``--print-to-pdf``, the
browser's own maintained printing path). The document needs no script and no request: every chart is an inline
SVG image, so the print cannot race the page's callbacks as printing the live page would. Playwright is not
needed at run time, so it stays a test dependency.
"""
from __future__ import annotations

import base64
import html
import subprocess
import tempfile
from pathlib import Path

from dashboard import exports, figures, geo, registry
from dashboard.charts.profile import headline
from dashboard.exports import images
from dashboard.filters import Filters, period_label

TIMEOUT_S = 90
CHART_WIDTH = 900  # px at 96 dpi: an A4 page's width inside 12 mm margins is about 700 CSS px; images scale down

STYLE = """
@page { size: A4; margin: 12mm; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: #0B0C0C; font-size: 11pt; }
h1 { font-size: 20pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; margin: 12pt 0 4pt; break-after: avoid; }
.meta, .source { color: #505A5F; font-size: 9pt; }
.demo { background: #FFF3CD; border: 1px solid #8A6D3B; padding: 4pt 6pt; font-weight: bold; }
section { break-inside: avoid; }
img { width: 100%; height: auto; }
"""


def _chromium() -> str:
    return images.browser_path() or images.DEFAULT_BROWSER


def _data_to(filters: Filters) -> str:
    if filters.period_to is None:  # e.g. a Fingertips export alone: no period of long-term sickness is loaded
        return "No period of long-term sickness or programme starts is loaded."
    return f"Data up to and including {period_label(filters.period_to)}."


def document(filters: Filters, ctx: exports.Context) -> str:
    """The profile as one self-contained HTML page (every string from data escaped)."""
    esc = html.escape
    built = ctx.meta.get("built_at", "")
    version = ctx.meta.get("data_version", "")
    parts = [f"<h1>Area profile: {esc(filters.geo_name)}</h1>",
             (f'<p class="meta">{esc(_data_to(filters))} '
             f"Printed on {esc(exports.long_date(ctx.accessed))}. Data version {esc(str(version))}, built "
             f"{esc(str(built)[:10])}.</p>")]
    if ctx.demo:
        parts.append(f'<p class="demo">{esc(figures.DEMO_NOTE)}: {esc(figures.DEMO_WARNING)}.</p>')
    parts.append("<h2>Summary</h2><ul>" + "".join(f"<li>{esc(s)}</li>" for s in headline(filters)) + "</ul>")
    from dashboard import access

    published = []  # the publications a chart drew published facts from, with their release dates
    for chart_id in registry.page("/profile").charts:
        try:
            rendered = registry.render(chart_id, filters)
        except access.Denied as denied:  # unpublished returns this viewer may not see: the card says so
            parts.append(f"<section><h2>{esc(registry.get(chart_id).title)}</h2>"
                         f'<p class="restricted">{esc(denied.reason)}</p></section>')
            continue
        if "released" in rendered.data:
            rows = rendered.data.dropna(subset=["source"])
            published += [f"{r.source} ({r.files}; release date {r.released})" for r in rows.itertuples()]
        fig = exports.image_figure(rendered, ctx, title=False)
        svg = exports.to_image(fig, "svg", width=CHART_WIDTH)
        parts.append(
            f"<section><h2>{esc(rendered.chart.title)}</h2>"
            f'<img alt="{esc(rendered.summary)}" src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}">'
            f"<p>{esc(rendered.summary)}</p></section>")
    sources = sorted({registry.get(c).source for c in registry.page("/profile").charts})
    sources += [f"Published figures: {p}" for p in dict.fromkeys(published)]
    parts.append('<h2>Sources</h2><p class="source">' + "<br>".join(esc(s) for s in sources)
                 + f"<br>{esc(geo.ATTRIBUTION)}.<br>{esc(exports.accessed_line(ctx))}</p>")
    title = esc(f"Area profile: {filters.geo_name}")
    return (f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>")


def pdf(page: str) -> bytes:
    """Print an HTML document to an A4 PDF with headless Chromium; ``exports.ImageUnavailable`` on failure."""
    with tempfile.TemporaryDirectory(prefix="profile-pdf-") as tmp:
        source, target = Path(tmp) / "profile.html", Path(tmp) / "profile.pdf"
        source.write_text(page, encoding="utf-8")
        command = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--no-first-run", "--disable-background-networking", "--disable-component-update",
                   f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={target}",
                   source.as_uri()]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise exports.ImageUnavailable(f"the PDF could not be printed ({type(error).__name__})") from error
        if not target.exists() or target.stat().st_size == 0:
            raise exports.ImageUnavailable("the PDF could not be printed (Chromium wrote no file)")
        return target.read_bytes()
