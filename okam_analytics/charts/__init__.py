"""Plotly figures for the pages: shared status colours and layout. Never imports streamlit.

Builders take DataFrames as the metrics return them and a language for their labels, and
return a plotly Figure; the pages only display it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go

from okam_analytics import formatting
from okam_analytics.i18n import translate

# One colour per status, the same on every page (charts, table cells, tiles).
GOOD, FAIR, WARN, BAD, IDLE = "#1a9850", "#91cf60", "#f59e0b", "#d73027", "#9e9e9e"
STATUS_COLOURS: dict[str, str] = {
    # knowledge redundancy (SPEC 4.1)
    "covered": GOOD,
    "thin": FAIR,
    "single": WARN,
    "uncovered": BAD,
    "dormant": IDLE,
    # daily call (SPEC 4.2)
    "available": GOOD,
    "busy": WARN,
    "overloaded": BAD,
    "absent": IDLE,
    # escalation SLA (SPEC 4.3)
    "met": GOOD,
    "breached": BAD,
    "open_within": "#4393c3",
    "open_breached": "#762a83",
    "no_response_data": IDLE,
}
KNOWLEDGE_STATUSES = ("covered", "thin", "single", "uncovered")
CALL_STATUSES = ("overloaded", "busy", "available", "absent")
SLA_STATES = ("met", "breached", "open_within", "open_breached", "no_response_data")
OTHER_COLOUR = "#607d8b"
LABEL_COLON = re.compile(r"(?<=[^\s%]): ")  # "Worked: " in a hover text, not "%{x:.1f}"
FONT = {"size": 13}
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def plain(values: Iterable[object]) -> list[str]:
    """Names from the data as plain text for plotly, which renders <b>, <a href> ... in labels."""
    # plotly decodes &lt; &gt; &amp; back to characters: the label reads as typed, never as markup
    return [html.escape(str(value), quote=False) for value in values]


def clicked(points: Sequence[dict[str, Any]], axis: str = "y") -> str | None:
    """The name on axis of the first point of a chart selection (as in the data), or None."""
    if not points or points[0].get(axis) is None:
        return None
    return html.unescape(str(points[0][axis]))


def status_colour(status: str) -> str:
    """The colour of a status (a neutral grey-blue for an unknown one)."""
    return STATUS_COLOURS.get(status, OTHER_COLOUR)


def status_tint(status: str, alpha: float = 0.35) -> str:
    """A light rgba version of a status colour, for table cell backgrounds under dark text."""
    colour = status_colour(status).lstrip("#")
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def status_label(status: str, lang: str = "en") -> str:
    """The translated name of a status (key status.<name>)."""
    return translate(f"status.{status}", lang)


def status_labels(statuses: Iterable[str], lang: str = "en") -> dict[str, str]:
    """status -> translated name, for legends and table cells."""
    return {status: status_label(status, lang) for status in statuses}


def apply_layout(
    fig: go.Figure,
    *,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    legend_title: str | None = None,
    height: int | None = None,
    lang: str = "en",
) -> go.Figure:
    """The common look: readable fonts, titled axes, legend above the plot, tight margins, the
    language's decimal and thousands separators."""
    fig.update_layout(
        title={"text": title} if title else None,
        separators=formatting.plotly_separators(lang),
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": legend_title},
        hoverlabel={"font_size": 13},
    )
    fig.update_xaxes(title_text=x_title, automargin=True)
    fig.update_yaxes(title_text=y_title, automargin=True)
    if lang == "fr":
        french_colons(fig)
    return fig


def french_colons(fig: go.Figure) -> None:
    """French puts a no-break space before a colon: 'Occupation : 87%' in the hover texts."""
    for trace in fig.data:
        template = getattr(trace, "hovertemplate", None)
        if isinstance(template, str):
            trace.hovertemplate = LABEL_COLON.sub("\u00a0: ", template)
        texts = getattr(trace, "hovertext", None)
        if isinstance(texts, list | tuple):
            trace.hovertext = [LABEL_COLON.sub("\u00a0: ", str(text)) for text in texts]


def localised(fig: go.Figure, lang: str) -> go.Figure:
    """The language's decimal and thousands separators in hover texts and axes."""
    return fig.update_layout(separators=formatting.plotly_separators(lang))


def empty_figure(message: str, lang: str = "en") -> go.Figure:
    """A blank figure that says why it is empty (no data for these filters)."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 15}, x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return apply_layout(fig, height=200, lang=lang)


def click_layer(
    x: Sequence, y: Sequence, customdata: Sequence, hovertemplate: str, name: str = "cells"
) -> go.Scatter:
    """Invisible points over heat map cells: they carry the hover text and make a cell clickable
    (a Heatmap trace cannot be selected), the clicked cell gets an outline. Pass numpy arrays
    for large maps: plotly validates and copies lists element by element."""
    return go.Scatter(
        x=x,
        y=y,
        customdata=customdata,
        mode="markers",
        name=name,
        showlegend=False,
        hovertemplate=hovertemplate + "<extra></extra>",
        marker={"symbol": "square-open", "size": 16, "opacity": 0, "color": "#212121"},
        selected={"marker": {"opacity": 1}},
        unselected={"marker": {"opacity": 0}},
    )


def rows_height(rows: int, per_row: int = 24, minimum: int = 260, maximum: int = 1400) -> int:
    """A figure height that gives each category row enough room for its label."""
    return max(minimum, min(maximum, 120 + per_row * rows))
