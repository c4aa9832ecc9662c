"""User-facing text: one lookup, English and French catalogues in locales/*.json."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "fr")
LOCALES_DIR = Path(__file__).parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The key -> text catalogue of one language."""
    path = LOCALES_DIR / f"{lang}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def translate(key: str, lang: str = "en", **values: object) -> str:
    """The text for key in lang (falling back to English, then to the key), formatted."""
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    return text.format(**values) if values else text


def translator(lang: str):
    """A one-argument t(key, **values) bound to a language."""
    lang = lang if lang in LANGUAGES else "en"

    def t(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    return t
