"""Every chart in the registry, out of the dashboard, one module a format: ``images`` (PNG, SVG by kaleido),
``workbooks`` (CSV, Excel of a chart or a page), ``slides`` (a PowerPoint pack), ``embed`` (the iframe page from
its template, and the code to paste). ``context`` is what goes around every output: the view's address, the date,
the data's date, the source and notes, and the demo label for synthetic data. One mechanism for every chart.
"""
from dashboard.exports.context import (
                                       DATA_FORMATS,
                                       DISCLOSURE_NOTE,
                                       FORMATS,
                                       IMAGE_FORMATS,
                                       MIMETYPES,
                                       Context,
                                       accessed_line,
                                       assumptions,
                                       data_date,
                                       long_date,
                                       provenance,
                                       table,
)
from dashboard.exports.embed import EMBED_SCRIPT, embed_figure, embed_html, embed_snippet, image_link_snippet
from dashboard.exports.images import (
                                       FOOTER_WRAP,
                                       IMAGE_HEIGHT,
                                       IMAGE_QUEUE,
                                       IMAGE_WIDTH,
                                       ImageBusy,
                                       ImageUnavailable,
                                       footer_lines,
                                       image,
                                       image_figure,
                                       image_slot,
                                       to_image,
)
from dashboard.exports.slides import MAX_BRIEFING_CHARTS, briefing_pptx, parse_chart_list
from dashboard.exports.workbooks import csv, page_xlsx, xlsx

__all__ = ["DATA_FORMATS", "DISCLOSURE_NOTE", "EMBED_SCRIPT", "FOOTER_WRAP", "FORMATS", "IMAGE_FORMATS",
           "IMAGE_HEIGHT", "IMAGE_QUEUE", "IMAGE_WIDTH", "MAX_BRIEFING_CHARTS", "MIMETYPES", "Context", "ImageBusy",
           "ImageUnavailable", "accessed_line", "assumptions", "briefing_pptx", "csv", "data_date",
           "embed_figure", "embed_html", "embed_snippet", "footer_lines", "image", "image_figure", "image_link_snippet",
           "image_slot", "long_date", "page_xlsx", "parse_chart_list", "provenance", "table",
           "to_image", "xlsx"]
