"""Jinja2 templates of the e-mails: HTML autoescaped, text parts plain."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATE_DIR = Path(__file__).parent / "templates"


@cache
def environment() -> jinja2.Environment:
    """The template environment: every .html template escapes its values."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: Any) -> str:
    """The template name (e.g. 'digest.html') rendered with context."""
    return environment().get_template(name).render(**context)
