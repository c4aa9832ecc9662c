"""The steering deck's template, built in code (python-pptx): 16:9 blank slides with a title bar
in the accent colour, the company's name and logo, text boxes, tables of text and NATIVE charts
(their data stays editable in PowerPoint)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PIL import Image
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BAR_HEIGHT = Inches(0.95)
BODY_TOP = BAR_HEIGHT + Inches(0.3)
BODY_WIDTH = WIDTH - 2 * MARGIN
INK, MUTED, HEADER_FILL = RGBColor(0x22, 0x22, 0x22), RGBColor(0x6E, 0x6E, 0x6E), "E8EEF5"
SECOND_SERIES = RGBColor(0x9A, 0xA5, 0xB1)  # a grey that reads beside any accent colour
BLANK_LAYOUT = 6  # "Blank" in python-pptx's default template
LOGO_TYPES = {".png", ".jpg", ".jpeg", ".gif"}


class DeckError(ValueError):
    """A template setting the deck cannot use (a logo that cannot be read)."""


def check_logo(path: str | None) -> Path | None:
    """The logo file, or None when unset; DeckError naming a path that is no readable image."""
    if not path:
        return None
    logo = Path(path).expanduser()
    if logo.suffix.lower() not in LOGO_TYPES:
        raise DeckError(f"The deck logo {path} is not a PNG, JPEG or GIF file.")
    if not logo.is_file():
        raise DeckError(f"The deck logo {path} cannot be read: no such file.")
    try:
        with Image.open(logo) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError) as exc:  # what Pillow raises for a broken image
        raise DeckError(f"The deck logo {path} is not a readable image: {exc}") from exc
    return logo


class DeckTemplate:
    """A presentation with the company's look; every slide added through it."""

    def __init__(self, company: str, accent: str, logo: Path | None, footer: str) -> None:
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.company, self.logo, self.footer = company, logo, footer
        self.accent = RGBColor.from_string(accent.lstrip("#").upper())

    def save(self, target) -> None:
        self.prs.save(target)

    def slide(self, title: str, notes: str = ""):
        """A content slide: the accent title bar with the logo, a footer, optional notes."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[BLANK_LAYOUT])
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, BAR_HEIGHT)
        bar.fill.solid()
        bar.fill.fore_color.rgb = self.accent
        bar.line.fill.background()
        self.text(slide, [title], MARGIN, Inches(0.18), BODY_WIDTH - Inches(2), Inches(0.6),
                  size=26, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF))  # fmt: skip
        if self.logo:  # right-aligned at the bar's height, whatever the logo's proportions
            logo = slide.shapes.add_picture(str(self.logo), 0, Inches(0.15), height=Inches(0.65))
            logo.left = WIDTH - MARGIN - logo.width
        number = len(self.prs.slides)
        footer = " · ".join(part for part in (self.company, self.footer, str(number)) if part)
        self.text(slide, [footer], MARGIN, HEIGHT - Inches(0.45), BODY_WIDTH, Inches(0.3),
                  size=10, colour=MUTED, align_right=True)  # fmt: skip
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    def title_slide(self, lines: list[tuple[str, int, bool]], notes: str = ""):
        """The opening slide: an accent band on the left, then (text, size, bold) lines."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[BLANK_LAYOUT])
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.35), HEIGHT)
        band.fill.solid()
        band.fill.fore_color.rgb = self.accent
        band.line.fill.background()
        if self.logo:
            slide.shapes.add_picture(str(self.logo), Inches(1), Inches(0.8), height=Inches(1.1))
        box = slide.shapes.add_textbox(Inches(1), Inches(2.4), Inches(11), Inches(4))
        frame = box.text_frame
        frame.word_wrap = True
        for i, (text, size, bold) in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = self.accent if bold else INK
            paragraph.space_after = Pt(10)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    def text(self, slide, lines: list[str], left, top, width, height, size: int = 18,
             bold: bool = False, colour: RGBColor = INK, align_right: bool = False,
             bullets: bool = False):  # fmt: skip
        """A text box of one paragraph per line."""
        box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = f"• {line}" if bullets else line
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, colour
            paragraph.space_after = Pt(size * 0.6)
            if align_right:
                paragraph.alignment = PP_ALIGN.RIGHT
        return box

    def table(self, slide, frame: pd.DataFrame, left, top, width, widths=None, size: int = 12):
        """A DataFrame of text as a table with a shaded header row."""
        rows, cols = len(frame) + 1, len(frame.columns)
        shape = slide.shapes.add_table(rows, cols, Emu(left), Emu(top), Emu(width),
                                       Inches(0.4) * rows)  # fmt: skip
        table = shape.table
        weights = widths or [1] * cols
        for c, weight in enumerate(weights):
            table.columns[c].width = Emu(int(width * weight / sum(weights)))
        cells = [list(frame.columns)] + [list(row) for row in frame.itertuples(index=False)]
        for r, values in enumerate(cells):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = "" if value is None else str(value)
                run = cell.text_frame.paragraphs[0].runs[0] if cell.text else None
                if run is not None:
                    run.font.size, run.font.bold = Pt(size), r == 0
                    run.font.color.rgb = INK
                if r == 0:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = RGBColor.from_string(HEADER_FILL)
                elif r % 2 == 0:
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = RGBColor(0xF7, 0xF7, 0xF7)
                else:
                    cell.fill.background()
        return shape

    def chart(self, slide, kind: str, categories: list[str], series: list[tuple[str, list]],
              left, top, width, height, number_format: str = "0"):  # fmt: skip
        """A native chart ('column' or 'line'): data labels in number_format, the first series
        in the accent colour."""
        data = CategoryChartData(number_format=number_format)
        data.categories = categories
        for name, values in series:
            data.add_series(name, values)
        chart_type = (
            XL_CHART_TYPE.LINE_MARKERS if kind == "line" else XL_CHART_TYPE.COLUMN_CLUSTERED
        )
        chart = slide.shapes.add_chart(chart_type, Emu(left), Emu(top), Emu(width), Emu(height),
                                       data).chart  # fmt: skip
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.font.size = Pt(12)
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = number_format
        plot.data_labels.number_format_is_linked = False
        for i, drawn in enumerate(plot.series):
            colour = self.accent if i == 0 else SECOND_SERIES
            if kind == "line":
                drawn.format.line.color.rgb = colour
                drawn.marker.format.fill.solid()
                drawn.marker.format.fill.fore_color.rgb = colour
            else:
                drawn.format.fill.solid()
                drawn.format.fill.fore_color.rgb = colour
        return chart
