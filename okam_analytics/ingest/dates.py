"""A date column's format, inferred from a sample of its values (pure Python).

ISO 8601 first (DuckDB casts it for free); else the one shape most values share: day/month
order decided by values above 12, separator `/ - .`, 2- or 4-digit year, optional time with or
without seconds, 12-hour clock with AM/PM, month names as Jira writes them in its UI language.
The column is then parsed once with that format (`normalise.typed_expr`).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

ISO = "ISO 8601"
# Short month names (lowercase, accents kept, trailing dot dropped) in en, fr, de, es, pt, it,
# nl and ru, as Java's date formats (Jira's) and the tools' UIs abbreviate them.
MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: ("jan", "janv", "ene", "gen", "jän", "янв", "january", "janvier", "januar", "enero"),
    2: ("feb", "fév", "févr", "fev", "fevr", "febr", "фев", "февр", "february", "février"),
    3: ("mar", "mär", "märz", "mrz", "mrt", "març", "мар", "march", "mars", "marzo"),
    4: ("apr", "avr", "abr", "апр", "april", "avril", "abril", "aprile"),
    5: ("may", "mai", "mag", "mei", "май", "мая", "mayo", "maggio"),
    6: ("jun", "juin", "juni", "giu", "июн", "июня", "june", "junio", "junho", "giugno"),
    7: ("jul", "juil", "juli", "lug", "июл", "июля", "july", "juillet", "julio", "julho", "luglio"),
    8: ("aug", "août", "aout", "ago", "авг", "august", "agosto", "augustus"),
    9: ("sep", "sept", "set", "сен", "сент", "september", "septembre", "septiembre", "setembro"),
    10: ("oct", "okt", "out", "ott", "окт", "october", "octobre", "oktober", "octubre", "outubro"),
    11: ("nov", "нояб", "ноя", "november", "novembre", "noviembre", "novembro"),
    12: ("dec", "déc", "dez", "dic", "дек", "december", "décembre", "dezember", "diciembre"),
}
MONTHS: dict[str, int] = {word: n for n, words in MONTH_WORDS.items() for word in words}

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
_SHAPE = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[/.-])(?P<b>\d{1,2}|[^\W\d_]{3,9}\.?)(?P=sep)(?P<c>\d{1,4})"
    r"(?:(?P<tsep>[ T]|, )(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?P<f>\.\d{1,6})?)?"
    r"(?P<psep> ?)(?P<ampm>[AaPp][Mm])?)?"
)


@dataclass(frozen=True)
class DateFormat:
    """How one column's dates are parsed: strptime formats (month names read as numbers
    first: `month_names`) and/or the ISO cast; `ambiguous` when no value told day from month.
    Shapes a few values of the sample had besides the main one are tried after it."""

    formats: tuple[str, ...] = ()
    iso_first: bool = True  # the ISO cast, before the formats
    iso_after: bool = False  # the ISO cast after the formats (some values were ISO)
    month_names: bool = False
    separator: str = "/"
    ambiguous: bool = False
    day_first: bool | None = None
    warn: bool = False  # ambiguous and the preset did not settle it: the import warns

    @property
    def label(self) -> str:
        """The main format as the import report names it (%b for month names)."""
        if self.iso_first or not self.formats:
            return ISO
        return self.formats[0].replace("%m", "%b", 1) if self.month_names else self.formats[0]


@dataclass(frozen=True)
class _Shape:
    year_first: bool
    separator: str
    month_names: bool
    year_digits: int
    clock: str  # "" or the time part of the format, e.g. " %I:%M %p"


def month_number(word: str) -> int | None:
    """The month a short or full month name stands for, in any of the eight languages."""
    key = unicodedata.normalize("NFC", word).lower().rstrip(".")
    return MONTHS.get(key)


def _clock(match: re.Match) -> str:
    if match["h"] is None:
        return ""
    tsep = match["tsep"]
    hours = "%I" if match["ampm"] else "%H"
    seconds = (":%S" + (".%f" if match["f"] else "")) if match["s"] else ""
    ampm = f"{match['psep']}%p" if match["ampm"] else ""
    return f"{tsep}{hours}:%M{seconds}{ampm}"


def _shape(match: re.Match) -> _Shape | None:
    a, b, c = match["a"], match["b"], match["c"]
    names = not b.isdigit()
    if names and month_number(b) is None:
        return None
    year_first = len(a) == 4
    if year_first and (names or len(c) > 2):
        return None
    if not year_first and (len(a) > 2 or len(c) not in (2, 4)):
        return None
    return _Shape(year_first, match["sep"], names, 4 if year_first else len(c), _clock(match))


def _orders(hints: list[str]) -> list[bool]:
    """The day-first flags of the hints that write day and month as numbers, in order."""
    found = []
    for hint in hints:
        day, month = hint.find("%d"), hint.find("%m")
        if day >= 0 and month >= 0 and not hint.startswith("%Y"):
            found.append(day < month)
    return found


def _day_first(
    matches: list[re.Match], hints: list[str], locale_day_first: bool
) -> tuple[bool, bool, bool]:
    """(day_first, ambiguous, warn): values above 12 decide; else the preset's order (a
    warning if its formats allow both), else the calendar's locale (a warning)."""
    if any(int(m["a"]) > 12 for m in matches):
        return True, False, False
    if any(int(m["b"]) > 12 for m in matches):
        return False, False, False
    orders = _orders(hints)
    if orders:
        return orders[0], True, len(set(orders)) > 1
    return locale_day_first, True, True


def _formats(shape: _Shape, day_first: bool, clocks: list[str]) -> tuple[str, ...]:
    sep = "/" if shape.month_names else shape.separator  # names are rewritten d/m/rest
    year = "%Y" if shape.year_digits == 4 else "%y"
    if shape.year_first:
        date = f"%Y{sep}%m{sep}%d"
    else:
        date = f"%d{sep}%m{sep}{year}" if day_first else f"%m{sep}%d{sep}{year}"
    return tuple(date + clock for clock in clocks)


def _groups(sample: list[str]) -> dict[_Shape, list[re.Match]]:
    """Values by the shape of their date part (the time part may vary), largest first."""
    groups: dict[_Shape, list[re.Match]] = {}
    for value in sample:
        match = _SHAPE.fullmatch(value)
        shape = _shape(match) if match else None
        if shape is not None:
            key = _Shape(
                shape.year_first, shape.separator, shape.month_names, shape.year_digits, ""
            )
            groups.setdefault(key, []).append(match)
    return dict(sorted(groups.items(), key=lambda item: -len(item[1])))


def infer(
    values: Iterable[str | None],
    hints: Iterable[str] = (),
    locale_day_first: bool = True,
    hints_order: bool = True,
) -> DateFormat:
    """The format of a date column from a sample of its values (see the module's rules).

    hints: the preset's formats, tried when no value has a known shape; they also settle the
    day/month order of an undecided column unless hints_order is false (generic presets)."""
    sample = [v.strip() for v in values if v and v.strip()]
    hints = list(hints)
    iso = sum(1 for v in sample if _ISO.fullmatch(v))
    groups = _groups(sample)
    if not groups:
        return DateFormat(tuple(hints)) if hints and not iso else DateFormat()
    main = next(iter(groups))
    same = {k: v for k, v in groups.items() if k.month_names == main.month_names}
    numeric = [m for k, v in same.items() if not (k.year_first or k.month_names) for m in v]
    day_first, ambiguous, warn = (True if main.month_names else None), False, False
    if numeric:
        order_hints = hints if hints_order else []
        day_first, ambiguous, warn = _day_first(numeric, order_hints, locale_day_first)
    formats = tuple(
        fmt
        for shape, matches in same.items()
        for fmt in _formats(
            shape, bool(day_first), [c for c, _ in Counter(map(_clock, matches)).most_common()]
        )
    )
    if iso >= len(groups[main]):  # mostly ISO: the cast first, the other shapes after
        return DateFormat(formats, month_names=main.month_names, separator=main.separator,
                          day_first=day_first)  # fmt: skip
    ambiguous = ambiguous and not main.year_first
    return DateFormat(
        formats, False, iso > 0, main.month_names, main.separator, ambiguous, day_first,
        warn and ambiguous,
    )  # fmt: skip


# Countries writing the month first (03/04 is 4 March); the business calendar's country
# (settings calendar.holiday_country) picks the order of columns no value decides.
MONTH_FIRST_COUNTRIES = frozenset({"US", "PH", "FM", "MH", "PW", "GU", "PR", "AS", "VI", "BZ"})


def locale_day_first(settings: dict) -> bool:
    """Whether the business calendar's country writes the day before the month."""
    country = (settings.get("calendar", {}).get("holiday_country") or "").upper()
    return country not in MONTH_FIRST_COUNTRIES


def _ordered(fmt: DateFormat, day_first: bool) -> DateFormat:
    """The same format with the day/month order given (decided by another column)."""
    swap = {"%d": "%m", "%m": "%d"} if fmt.day_first != day_first else {}
    formats = tuple(re.sub(r"%[dm]", lambda m: swap.get(m[0], m[0]), f) for f in fmt.formats)
    return dataclasses.replace(
        fmt, formats=formats, ambiguous=False, day_first=day_first, warn=False
    )


def infer_columns(
    samples: dict[str, list[str | None]],
    hints: Iterable[str] = (),
    locale_day_first: bool = True,
    hints_order: bool = True,
) -> dict[str, DateFormat]:
    """Each column's format; a column no value decides takes the order another column of
    the same shape in the file decided (one export writes all its dates one way)."""
    hints = list(hints)
    found = {
        name: infer(values, hints, locale_day_first, hints_order)
        for name, values in samples.items()
    }
    decided = {
        (f.separator, f.formats[0].count("%Y")): f.day_first
        for f in found.values()
        if f.formats and not f.iso_first and not f.ambiguous and not f.month_names
        and f.day_first is not None
    }  # fmt: skip
    for name, fmt in found.items():
        key = (fmt.separator, fmt.formats[0].count("%Y")) if fmt.formats else None
        if fmt.ambiguous and key in decided:
            found[name] = _ordered(fmt, decided[key])
    return found
