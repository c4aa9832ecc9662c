"""The shared filters (period, as-of, clients, teams, language), kept in sync with the URL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode, urlsplit

import duckdb
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from okam_analytics import db, i18n
from okam_analytics.metrics import period
from okam_analytics.ui import data, render, text
from okam_analytics.ui.data import Message

DATE_MIN, DATE_MAX = date(1990, 1, 1), date(2100, 12, 31)  # date_input refuses values outside
FILTER_KEYS = ("from", "to", "asof", "client", "team", "lang")
SHARE_TOKEN_PARAM = "token"  # a signed share link: the sidebar and its client list never show
FILTERS_KEY = "sidebar__filters"  # this run's Filters, for the pages
SEEDED_KEY = "sidebar__seeded"  # the widgets were filled from the URL once in this session
DATE_FORMAT_KEY = "sidebar__date_format"  # the date fields' format of the previous run
DATE_FORMATS = {"en": "YYYY-MM-DD", "fr": "DD/MM/YYYY"}  # as formatting.day writes a day
WIDGETS = {
    "period": "sidebar_period",
    "as_of": "sidebar_as_of",
    "clients": "sidebar_clients",
    "teams": "sidebar_teams",
    "lang": text.LANG_KEY,
}


@dataclass
class Filters:
    """What every page shows: inclusive dates, the as-of day, client and team selections."""

    date_from: date
    date_to: date
    as_of: date
    clients: list[str] = field(default_factory=list)  # empty = every client
    teams: list[str] = field(default_factory=list)  # empty = every team
    lang: str = "en"

    @property
    def period(self) -> period.Period:
        """The metrics' Period of these filters."""
        return period.Period(self.as_of, self.date_from, self.date_to)


@dataclass(frozen=True)
class FilterOptions:
    """The defaults and the choices the data offers."""

    default: period.Period
    clients: list[str]
    teams: list[str]


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """Default period (metrics.period.resolve) and the known clients and teams."""
    return FilterOptions(
        default=period.resolve(con),
        clients=db.query_df(con, "filter_clients")["client"].tolist(),
        teams=db.query_df(con, "filter_teams")["team"].tolist(),
    )


def _parse_day(values: Sequence[str], name: str, default: date, warnings: list) -> date:
    if not values or values[-1] == "":
        return default
    try:
        day = date.fromisoformat(values[-1])
    except ValueError:
        day = None
    if day is None or not DATE_MIN <= day <= DATE_MAX:
        warnings.append(("url.bad_date", {"name": name, "value": values[-1], "default": default}))
        return default
    return day


def _parse_names(values: Sequence[str], known: Sequence[str], key: str, warnings: list) -> list:
    chosen = list(dict.fromkeys(v for v in values if v))
    unknown = [v for v in chosen if v not in known]
    if unknown:
        warnings.append((key, {"value": ", ".join(unknown)}))
    return [v for v in chosen if v in known]


def parse_query(
    query: Mapping[str, Sequence[str]], options: FilterOptions, default_lang: str
) -> tuple[Filters, list[Message]]:
    """Filters from URL values (key -> all its values); a bad value falls back with a warning."""
    warnings: list[Message] = []
    span = options.default
    date_from = _parse_day(query.get("from", []), "from", span.date_from, warnings)
    date_to = _parse_day(query.get("to", []), "to", span.date_to, warnings)
    if date_from > date_to:
        warnings.append(("url.bad_period", {"start": date_from, "end": date_to}))
        date_from, date_to = span.date_from, span.date_to
    lang = (query.get("lang") or [default_lang])[-1]
    if lang not in i18n.LANGUAGES:
        warnings.append(("url.bad_lang", {"value": lang, "default": default_lang}))
        lang = default_lang
    return Filters(
        date_from=date_from,
        date_to=date_to,
        as_of=_parse_day(query.get("asof", []), "asof", span.as_of_date, warnings),
        clients=_parse_names(query.get("client", []), options.clients, "url.bad_client", warnings),
        teams=_parse_names(query.get("team", []), options.teams, "url.bad_team", warnings),
        lang=lang,
    ), warnings


def to_query(filters: Filters) -> dict[str, list[str]]:
    """The URL values of filters (every filter explicit, so a link never drifts with new data)."""
    query = {
        "from": [filters.date_from.isoformat()],
        "to": [filters.date_to.isoformat()],
        "asof": [filters.as_of.isoformat()],
        "client": list(filters.clients),
        "team": list(filters.teams),
        "lang": [filters.lang],
    }
    return {key: values for key, values in query.items() if values}


def url_values() -> dict[str, list[str]]:
    """Every query parameter of the current URL with all its values."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def is_shared_view() -> bool:
    """True when the URL carries a share token (the steering view of one client only)."""
    return SHARE_TOKEN_PARAM in st.query_params


def _seed_widgets(filters: Filters) -> None:
    st.session_state[WIDGETS["period"]] = (filters.date_from, filters.date_to)
    st.session_state[WIDGETS["as_of"]] = filters.as_of
    st.session_state[WIDGETS["clients"]] = filters.clients
    st.session_state[WIDGETS["teams"]] = filters.teams
    st.session_state[WIDGETS["lang"]] = filters.lang


def _seed_from_url(options: FilterOptions) -> None:
    """Fill the widgets from the URL once per session (again if Streamlit dropped their state)."""
    widgets_alive = all(key in st.session_state for key in WIDGETS.values())
    if st.session_state.get(SEEDED_KEY) and widgets_alive:
        return
    filters, warnings = parse_query(url_values(), options, text.default_language())
    _seed_widgets(filters)
    st.session_state[SEEDED_KEY] = True
    for key, values in warnings:
        st.warning(text.t(key, **render.escape_values(values)), icon=":material/link_off:")


def _forget_vanished(key: str, known: Sequence[str]) -> None:
    # After an undo a chosen client may be gone; a multiselect refuses values not in its options.
    chosen = st.session_state.get(key) or []
    st.session_state[key] = [name for name in chosen if name in known]


def _date_format() -> str:
    """The date fields' format in this run's language; a new format keeps the chosen dates."""
    shown = DATE_FORMATS[text.current_language()]
    if st.session_state.get(DATE_FORMAT_KEY, shown) != shown:
        # a date field with another format is a new widget that would start empty: hand it the
        # dates of the old one (state of the previous run, still readable before it is drawn)
        for key in (WIDGETS["period"], WIDGETS["as_of"]):
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    st.session_state[DATE_FORMAT_KEY] = shown
    return shown


def _draw_widgets(options: FilterOptions) -> None:
    t = text.t
    _forget_vanished(WIDGETS["clients"], options.clients)
    _forget_vanished(WIDGETS["teams"], options.teams)
    shown = _date_format()
    with st.sidebar:
        st.date_input(
            t("sidebar.period"),
            key=WIDGETS["period"],
            min_value=DATE_MIN,
            max_value=DATE_MAX,
            format=shown,
        )
        st.date_input(
            t("sidebar.as_of"),
            key=WIDGETS["as_of"],
            min_value=DATE_MIN,
            max_value=DATE_MAX,
            format=shown,
            help=t("sidebar.as_of_help"),
        )
        st.multiselect(
            t("sidebar.clients"),
            options.clients,
            key=WIDGETS["clients"],
            placeholder=t("sidebar.all_clients"),
        )
        st.multiselect(
            t("sidebar.teams"),
            options.teams,
            key=WIDGETS["teams"],
            placeholder=t("sidebar.all_teams"),
        )
        st.radio(
            t("sidebar.language"),
            list(i18n.LANGUAGES),
            key=WIDGETS["lang"],
            horizontal=True,
            format_func=text.LANGUAGE_NAMES.get,
        )


def _read_widgets() -> Filters:
    state = st.session_state
    picked = tuple(state[WIDGETS["period"]] or ())
    # While a range is half picked the widget holds one date: keep the last complete period.
    date_from, date_to = picked if len(picked) == 2 else state["sidebar__period"]
    state["sidebar__period"] = (date_from, date_to)
    return Filters(
        date_from=date_from,
        date_to=date_to,
        as_of=state[WIDGETS["as_of"]],
        clients=list(state[WIDGETS["clients"]]),
        teams=list(state[WIDGETS["teams"]]),
        lang=state[WIDGETS["lang"]],
    )


def sync_url(filters: Filters) -> None:
    """Write the filters to the URL, leaving every other parameter (page ones) alone."""
    wanted = to_query(filters)
    for key in FILTER_KEYS:
        values = wanted.get(key, [])
        if st.query_params.get_all(key) == values:
            continue
        if values:
            st.query_params[key] = values
        else:
            del st.query_params[key]


def view_link(url_path: str) -> str:
    """The link to the current view: page path and every query parameter."""
    base = st.context.url or f"/{url_path}"
    if not urlsplit(base).path:  # the default page: "http://host:8501" -> "http://host:8501/"
        base += "/"
    query = urlencode(url_values(), doseq=True)
    return f"{base}?{query}" if query else base


def sidebar_filters(con: duckdb.DuckDBPyConnection) -> Filters:
    """Draw the shared filters in the sidebar, keep the URL in sync, and return them."""
    options = data.cached_call(filter_options)
    if "sidebar__period" not in st.session_state:
        st.session_state["sidebar__period"] = (options.default.date_from, options.default.date_to)
    _seed_from_url(options)
    _draw_widgets(options)
    filters = _read_widgets()
    sync_url(filters)
    st.session_state[FILTERS_KEY] = filters
    return filters


def link_box(url_path: str) -> DeltaGenerator:
    """Draw the copy-link box in the sidebar; return its slot for show_link after the page ran."""
    st.sidebar.caption(text.t("sidebar.link"), help=text.t("sidebar.link_help"))
    slot = st.sidebar.empty()
    show_link(slot, url_path)
    return slot


def show_link(slot: DeltaGenerator, url_path: str) -> None:
    """Show the current view's link in slot (st.code has its own copy button)."""
    slot.code(view_link(url_path), language=None, wrap_lines=True)


def current_filters() -> Filters:
    """The filters of this run, as the sidebar set them (for pages)."""
    data.require_app()
    return st.session_state[FILTERS_KEY]
