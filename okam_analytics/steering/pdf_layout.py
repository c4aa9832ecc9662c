"""Page layout of the steering PDF (fpdf2): fonts, headings, tile grids, text tables, images.

A TTF with French accents (DejaVu, Debian fonts-dejavu-core) is used when present; without one
the PDF falls back to fpdf2's core Helvetica, which only knows latin-1, and text is transliterated.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "okam"
CORE_FAMILY = "helvetica"
# characters outside latin-1 that the core font cannot draw, and their nearest reading
LATIN1_FALLBACK = str.maketrans(
    {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "œ": "oe",
     "Œ": "OE", "\u202f": " ", "\u00a0": " ", "•": "-", "·": "-"}
)  # fmt: skip
HEADER_FILL = (232, 238, 245)
ACCENT = (47, 93, 138)  # the app's primary colour
MUTED = (110, 110, 110)
TILE_COLUMNS = 4


def font_files() -> dict[str, Path] | None:
    """The DejaVu regular and bold TTFs ($OKAM_PDF_FONT_DIR first), or None when missing."""
    folders = [Path(os.environ["OKAM_PDF_FONT_DIR"])] if os.environ.get("OKAM_PDF_FONT_DIR") else []
    for folder in folders + FONT_DIRS:
        files = {style: folder / name for style, name in FONT_FILES.items()}
        if all(path.is_file() for path in files.values()):
            return files
    return None


class SteeringPDF(FPDF):
    """An A4 landscape document with a footer naming the report and the page number."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=14)
        self.set_margins(12, 12, 12)
        files = font_files()
        self.unicode = files is not None
        if files:
            for style, path in files.items():
                self.add_font(FAMILY, style, str(path))
        self.family = FAMILY if self.unicode else CORE_FAMILY

    def text_of(self, value: object) -> str:
        """Text the current font can draw (transliterated to latin-1 for the core font)."""
        text = "" if value is None else str(value)
        if self.unicode:
            return text
        return text.translate(LATIN1_FALLBACK).encode("latin-1", "replace").decode("latin-1")

    def style(self, size: float, bold: bool = False, colour: tuple = (0, 0, 0)) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-10)
        self.style(8, colour=MUTED)
        self.cell(0, 5, self.text_of(f"{self.footer_text} · {self.page_no()}"), align="R")

    def heading(self, text: str, size: float = 16) -> None:
        """A section title in the accent colour."""
        self.style(size, bold=True, colour=ACCENT)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def paragraph(self, text: str, size: float = 10, colour: tuple = (0, 0, 0)) -> None:
        self.style(size, colour=colour)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def tiles(self, tiles: list) -> None:
        """Headline figures in a grid: label, value (large), note."""
        width = (self.epw - 3 * (TILE_COLUMNS - 1)) / TILE_COLUMNS
        for start in range(0, len(tiles), TILE_COLUMNS):
            top = self.get_y()
            for i, tile in enumerate(tiles[start : start + TILE_COLUMNS]):
                left = self.l_margin + i * (width + 3)
                self.rect(left, top, width, 26)
                self.set_xy(left + 2, top + 2)
                self.style(9, colour=MUTED)
                self.cell(width - 4, 5, self.text_of(tile.label))
                self.set_xy(left + 2, top + 8)
                self.style(16, bold=True)
                self.cell(width - 4, 8, self.text_of(tile.value))
                self.set_xy(left + 2, top + 18)
                self.style(8, colour=MUTED)
                self.cell(width - 4, 5, self.text_of(tile.note))
            self.set_xy(self.l_margin, top + 29)

    def frame_table(
        self, frame: pd.DataFrame, size: float = 8, widths: tuple | None = None
    ) -> None:
        """A DataFrame of text as a table with a repeated header row."""
        self.style(size)
        heading = FontFace(emphasis="BOLD", fill_color=HEADER_FILL)
        with self.table(
            col_widths=widths, headings_style=heading, line_height=size * 0.55, text_align="LEFT",
            repeat_headings=1, padding=1,
        ) as table:  # fmt: skip
            table.row([self.text_of(name) for name in frame.columns])
            for values in frame.itertuples(index=False, name=None):
                table.row([self.text_of(value) for value in values])
        self.ln(3)

    def picture(self, png: bytes | None, height: float, missing: str) -> None:
        """A chart image across the page width, or a note when it could not be drawn."""
        if png is None:
            self.paragraph(missing, size=9, colour=MUTED)
            return
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()
        # without y, fpdf2 places the image at the current line and moves below it
        self.image(io.BytesIO(png), x=self.l_margin, w=self.epw, h=height, keep_aspect_ratio=True)
        self.ln(2)
