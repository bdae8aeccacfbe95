"""``/api``: the OpenAPI document (dashboard/openapi.py) as a plain page for people, every string escaped."""
from __future__ import annotations

from html import escape

from dashboard.openapi import PROBLEMS, STABLE_IDS
from dashboard.theme import Colour


def _accepted(schema: dict) -> str:
    if "enum" in schema:
        return ", ".join(schema["enum"][:12]) + (" ..." if len(schema["enum"]) > 12 else "")
    if "minimum" in schema or "maximum" in schema:
        return f"a number from {schema.get('minimum', '')} to {schema.get('maximum', '')}"
    return "see the chart's page"


def page(doc: dict, prefix: str) -> str:
    """``/api``: the document as a plain page, every string escaped."""
    e = escape
    base = doc["servers"][0]["url"].rstrip("/") + "/"
    params = doc["components"]["parameters"]
    rows = []
    for path, item in doc["paths"].items():
        op = item["get"]
        names = [p["$ref"].rsplit("/", 1)[1] if "$ref" in p else p["name"] for p in op.get("parameters", [])]
        rows.append(f"<tr><th scope='row'><code>{e(path)}</code></th><td>{e(op['summary'])}</td>"
                    f"<td>{e(op.get('description', ''))}</td><td>{e(', '.join(names))}</td></tr>")
    filters = "".join(
        f"<tr><th scope='row'><code>{e(name)}</code></th><td>{e(p['description'])}</td>"
        f"<td>{e(str(p['schema'].get('default', '')))}</td><td>{e(_accepted(p['schema']))}</td></tr>"
        for name, p in params.items())
    problems = "".join(f"<dt id='problem-{e(title.lower().replace(' ', '-'))}'>{e(title)}</dt><dd>{e(text)}</dd>"
                       for title, text in PROBLEMS)
    example = f"{base}api/v1/charts/overview-trend?geo=E54000050&amp;from=2023Q1"
    demo = ("<p class='alert alert-warning'><strong>Synthetic demo data.</strong> This copy serves generated "
            "figures, not official statistics; every chart response says so in <code>demo</code>.</p>"
            if doc["info"].get("x-demo-data") else "")
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data API - Health and work dashboard</title>
<link rel="stylesheet" href="{e(prefix)}_vendor/bootstrap.min.css">
<link rel="alternate" type="application/atom+xml" title="Data updates" href="{e(prefix)}feed.atom">
<style>code {{ color: {Colour.TEXT}; }}</style>
</head><body><main class="container py-4" id="main">
<h1>Data API</h1>
<p class="lead">{e(doc['info']['description'])}</p>
{demo}
<p>Data version <code>{e(str(doc['info'].get('x-data-version')))}</code>. OpenAPI 3.1 document:
<a href="{e(prefix)}api/openapi.json">{e(prefix)}api/openapi.json</a>. Changes:
<a href="{e(prefix)}feed.atom">{e(prefix)}feed.atom</a> (Atom).</p>
<h2>Stable ids</h2><p>{e(STABLE_IDS)}</p>
<h2>Example</h2>
<pre tabindex="0"><code>curl -s '{example}'
curl -s -o /dev/null -w '%{{http_code}}\\n' -H 'If-None-Match: "ETAG FROM THE LAST ANSWER"' '{example}'</code></pre>
<pre tabindex="0"><code>import pandas as pd, requests
answer = requests.get("{example}").json()
frame = pd.DataFrame(answer["data"])  # answer["units"], ["quality_notes"], ["demo"] say what it is</code></pre>
<h2>Routes</h2>
<div class="table-responsive" tabindex="0" role="region" aria-label="Routes">
<table class="table table-sm"><caption>Every route of the API</caption>
<thead><tr><th scope="col">path</th><th scope="col">what</th><th scope="col">description</th>
<th scope="col">filters</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>
<h2>Filters</h2>
<div class="table-responsive" tabindex="0" role="region" aria-label="Filters">
<table class="table table-sm"><caption>Query parameters (all optional)</caption>
<thead><tr><th scope="col">name</th><th scope="col">meaning</th><th scope="col">default</th>
<th scope="col">accepted values</th></tr></thead><tbody>{filters}</tbody></table></div>
<h2>Errors</h2>
<p>Errors are problem details (RFC 9457, <code>application/problem+json</code>): <code>type</code>,
<code>title</code>, <code>status</code>, <code>detail</code>, and where a parameter is at fault,
<code>parameter</code> and <code>accepted</code>.</p>
<dl>{problems}</dl>
<h2>Embeds</h2>
<p>Each chart is at <code>{e(base)}embed/&lt;chart id&gt;</code> with the filters in its query string. Add
<code>&lt;script src="{e(base)}embed.js" async&gt;&lt;/script&gt;</code> once to a page with embeds and each
iframe takes the height of its chart. CMSs that support oEmbed can use <code>{e(base)}oembed?url=...</code>.</p>
</main></body></html>
"""
