"""Page building blocks shared by every page, by concern: ``widgets`` (page scaffold, filter bar, chart cards,
headline tiles), ``share`` (download links and embed code), ``tables`` (a chart's numbers as a table) and
``callbacks`` (filters -> URL -> every chart on the page; registered on import). Pages import from here."""
from dashboard.components import callbacks  # noqa: F401  registers the shared callbacks
from dashboard.components.callbacks import (
                                            update_chart,
                                            update_chart_table,
                                            update_page_downloads,
                                            update_page_filters,
                                            update_page_status,
)
from dashboard.components.ids import CHART_COUNT, STATUS, STORE, dom_id
from dashboard.components.share import page_download_links, page_downloads, share_links
from dashboard.components.tables import chart_table, data_table
from dashboard.rendering import page_figure
from dashboard.components.widgets import (
                                            GRAPH_CONFIG,
                                            chart_card,
                                            filter_bar,
                                            headline_tiles,
                                            page,
                                            parse_lenient,
                                            sort_buttons,
)

__all__ = ["CHART_COUNT", "GRAPH_CONFIG", "STATUS", "STORE", "chart_card", "chart_table", "data_table", "dom_id",
           "filter_bar", "headline_tiles", "page", "page_download_links", "page_downloads", "page_figure",
           "parse_lenient", "share_links", "sort_buttons", "update_chart", "update_chart_table",
           "update_page_downloads", "update_page_filters", "update_page_status"]
