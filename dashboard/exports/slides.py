"""A slide pack: one slide a chart, its title, the chart drawn by kaleido, filters, source, data date and
"accessed on" line."""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from dashboard import figures
from dashboard.exports import images
from dashboard.exports.context import Context, accessed_line, assumptions, data_date
from dashboard.registry import Rendered
from dashboard.safety import neutralise

MAX_BRIEFING_CHARTS = 10  # the largest page has 7; each slide is an image of a second or two


def parse_chart_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def briefing_pptx(items: list[Rendered], ctx: Context) -> bytes:
    """One slide a chart: its title, the chart (drawn by kaleido), filters, source, data date, accessed on."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    layout = prs.slide_layouts[5]  # "Title Only"
    for rendered in items:
        slide = prs.slides.add_slide(layout)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.9)
        title.text = neutralise(rendered.chart.title)
        title.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
        fig = images.image_figure(rendered, ctx, title=False)
        png = images.to_image(fig, "png", images.SLIDE_IMAGE_WIDTH)
        # A chart resting on assumptions (the estimated return) also carries its summary, with the range and
        # the caveat: the picture gives up the room for it.
        noted = 0.7 if assumptions(rendered) else 0.0
        # Fit the picture in the space between title and footer, keeping its shape.
        scale = min(Inches(12.3) / images.SLIDE_IMAGE_WIDTH, Inches(5.2 - noted) / fig.layout.height)
        width, height = Emu(int(images.SLIDE_IMAGE_WIDTH * scale)), Emu(int(fig.layout.height * scale))
        slide.shapes.add_picture(io.BytesIO(png), int((prs.slide_width - width) / 2), Inches(1.25),
                                 width=width, height=height)
        box = slide.shapes.add_textbox(Inches(0.5), Inches(6.5 - noted), Inches(12.3), Inches(0.9 + noted))
        frame = box.text_frame
        frame.word_wrap = True
        lines = [rendered.filters.describe(), f"Source: {rendered.chart.source}", data_date(rendered, ctx),
                 accessed_line(ctx)]
        if assumptions(rendered):
            lines.insert(2, rendered.summary)
        if ctx.demo and rendered.demo:
            lines.insert(0, f"{figures.DEMO_NOTE}: {figures.DEMO_WARNING}")
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = neutralise(line)
            paragraph.font.size = Pt(9 if noted else 10)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


