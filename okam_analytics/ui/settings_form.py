"""The Settings page's forms: one per group of parameters (tables: ui/directory_form.py).

Each form draws its widgets from the stored settings, and on Save checks and stores the whole
group (settings_edit), or shows what is wrong and stores nothing. Widget keys start with
`settings_`; a reset or a save of a table forgets them so they are drawn again from the data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import streamlit as st

from okam_analytics import i18n, settings
from okam_analytics import settings_edit as edit
from okam_analytics.metrics import calendar, escalations
from okam_analytics.ui import data, render
from okam_analytics.ui.text import LANGUAGE_NAMES, t

FLASH = "settings__flash"
WHOLE_NUMBERS = {"knowledge.half_life_days", "knowledge.window_days", "knowledge.target_knowers",
                 "knowledge.active_days"}  # fmt: skip
STEPS = {"knowledge.min_share": 0.05, "workload.overload_threshold": 0.05,
         "workload.busy_threshold": 0.05, "coverage.budget_share": 0.05,
         "alerts.at_risk_share": 0.05}  # fmt: skip
# Shares stored as fractions (0.90), edited as percentages (90): what a manager writes.
PERCENTS = set(STEPS)
Values = tuple[dict[str, Any], list[edit.Message]]


def widget(key: str) -> str:
    """The widget key of a setting: settings_<section>_<name>."""
    return "settings_" + key.replace(".", "_")


def label(key: str) -> str:
    """The label of a setting (settings.label.<key>; the key itself until it has one), with
    ' (%)' for a share edited as a percentage."""
    text = t(f"settings.label.{key}")
    text = key if text == f"settings.label.{key}" else text
    return f"{text} (%)" if key in PERCENTS else text


def helptext(key: str) -> str:
    """The explanation of a setting (settings.help.<key>, else its declared English help)."""
    text = t(f"settings.help.{key}")
    return settings.BY_KEY[key].help if text == f"settings.help.{key}" else text


def number(key: str, value: float) -> float | int:
    """A number field for one setting (no bounds here: the save checks and explains them)."""
    if key in PERCENTS:
        shown = st.number_input(
            label(key),
            value=round(float(value) * 100, 2),
            step=STEPS[key] * 100,
            format="%.0f",
            key=widget(key),
            help=helptext(key),
        )
        return round(shown / 100, 6)
    whole = key in WHOLE_NUMBERS or settings.BY_KEY[key].kind is int
    return st.number_input(
        label(key),
        value=int(value) if whole else float(value),
        step=1 if whole else STEPS.get(key, 0.5),
        format="%d" if whole else "%.2f",
        key=widget(key),
        help=helptext(key),
    )


def lines(key: str, value: list) -> list[str]:
    """A list setting edited as text, one value per line."""
    text = st.text_area(label(key), edit.lines_text(value), key=widget(key), help=helptext(key),
                        height=140)  # fmt: skip
    return edit.parse_lines(text)


def fields(cfg: dict, keys: list[str], per_row: int = 3) -> dict[str, Any]:
    """A field per setting by its declared kind: numbers per_row to a row, then switches, then
    lists as one-per-line text; key -> value."""
    kinds = {key: settings.BY_KEY[key].kind for key in keys}
    numeric = [k for k in keys if kinds[k] in (settings.NUMBER, int, float)]
    values = {}
    for start in range(0, len(numeric), per_row):
        for column, key in zip(st.columns(per_row), numeric[start : start + per_row], strict=False):
            with column:
                values[key] = number(key, current(cfg, key))
    for key in [k for k in keys if kinds[k] is bool]:
        values[key] = st.toggle(label(key), current(cfg, key), key=widget(key), help=helptext(key))
    for key in [k for k in keys if kinds[k] is list]:
        values[key] = lines(key, current(cfg, key))
    return values


def current(cfg: dict, key: str) -> Any:
    """The loaded value of a setting key."""
    section, name = key.split(".", 1)
    return cfg[section][name]


def knowledge_form(cfg: dict) -> Values:
    """The knowledge parameters."""
    return fields(cfg, edit.section_keys("knowledge"), per_row=4), []


def workload_form(cfg: dict) -> Values:
    """Capacity, thresholds and the absence words."""
    return fields(cfg, edit.section_keys("workload")), []


def escalation_form(cfg: dict) -> Values:
    """Escalated priorities, the reassignment rule and the SLA table."""
    esc = cfg["escalation"]
    values: dict[str, Any] = {}
    left, right = st.columns([2, 1])
    key = "escalation.priorities"
    values[key] = left.multiselect(label(key), list(edit.PRIORITIES), esc["priorities"],
                                   key=widget(key), help=helptext(key))  # fmt: skip
    key = "escalation.include_reassigned"
    right.write("")
    values[key] = right.toggle(label(key), esc["include_reassigned"], key=widget(key),
                               help=helptext(key))  # fmt: skip
    st.markdown(f"**{label('escalation.sla')}**")
    st.caption(helptext("escalation.sla"))
    table = st.data_editor(edit.sla_frame(esc["sla"]), key=widget("escalation.sla"),
                           num_rows="dynamic", hide_index=True, column_config=sla_columns())  # fmt: skip
    values["escalation.sla"], problems = edit.parse_sla(table)
    return values, problems


def sla_columns() -> dict[str, Any]:
    """Column settings of the SLA table editor."""
    column = st.column_config
    return {
        "priority": column.SelectboxColumn(t("settings.sla.priority"), options=edit.PRIORITIES,
                                           required=True),
        "response_minutes": column.NumberColumn(t("settings.sla.response"), min_value=1, step=1),
        "resolution_minutes": column.NumberColumn(t("settings.sla.resolution"), min_value=1, step=1),
        "clock": column.SelectboxColumn(t("settings.sla.clock"), options=escalations.CLOCKS,
                                        required=True, help=t("settings.sla.clock_help")),
    }  # fmt: skip


def calendar_form(cfg: dict) -> Values:
    """Time zone, opening windows per weekday, public and extra holidays."""
    cal = cfg["calendar"]
    values: dict[str, Any] = {}
    key = "calendar.timezone"
    zones = edit.timezones()
    values[key] = st.selectbox(label(key), zones, zones.index(cal["timezone"]) if cal["timezone"]
                               in zones else 0, key=widget(key), help=helptext(key))  # fmt: skip
    st.markdown(f"**{label('calendar.windows')}**")
    st.caption(helptext("calendar.windows"))
    texts = edit.windows_text(cal["windows"])
    for start in (0, 4):
        for column, day in zip(st.columns(4), calendar.WEEKDAYS[start : start + 4], strict=False):
            texts[day] = column.text_input(t(f"settings.day.{day}"), texts[day],
                                           key=widget(f"calendar.windows_{day}"))  # fmt: skip
    values["calendar.windows"], problems = edit.parse_windows(texts)
    values |= holiday_fields(cal)
    key = "calendar.extra_holidays"
    text = st.text_area(label(key), edit.lines_text(cal["extra_holidays"]), key=widget(key),
                        help=helptext(key))  # fmt: skip
    values[key], date_problems = edit.parse_dates(text)
    return values, problems + date_problems


def holiday_fields(cal: dict) -> dict[str, Any]:
    """Country and subdivision of the public holidays (the holidays package's lists)."""
    countries = edit.holiday_countries()
    left, right = st.columns(2)
    key = "calendar.holiday_country"
    options = ["", *countries]
    country = left.selectbox(label(key), options, options.index(cal[key.split(".")[1]] or ""),
                             key=widget(key), help=helptext(key),
                             format_func=lambda c: f"{countries[c]} ({c})" if c else t("settings.none"))  # fmt: skip
    names = edit.subdivision_names(country or None)
    key = "calendar.holiday_subdivision"
    options = ["", *names]
    if st.session_state.get(widget(key)) not in options:
        st.session_state.pop(widget(key), None)  # the country changed: its regions differ
    stored = cal["holiday_subdivision"] if cal["holiday_subdivision"] in options else ""
    region = right.selectbox(label(key), options, options.index(stored), key=widget(key),
                             help=helptext(key), disabled=not names,
                             format_func=lambda c: f"{names[c]} ({c})" if c else t("settings.none"))  # fmt: skip
    return {
        "calendar.holiday_country": country or None,
        "calendar.holiday_subdivision": region or None,
    }


def privacy_form(cfg: dict) -> Values:
    """Names in shared views and the default language."""
    left, right = st.columns(2)
    key = "privacy.consultant_names"
    choices = list(edit.PRIVACY_CHOICES)
    names = left.selectbox(label(key), choices, choices.index(cfg["privacy"]["consultant_names"]),
                           key=widget(key), help=helptext(key),
                           format_func=lambda c: t(f"settings.privacy.{c}"))  # fmt: skip
    key = "ui.language"
    languages = list(i18n.LANGUAGES)
    lang = right.selectbox(label(key), languages, languages.index(cfg["ui"]["language"]),
                           key=widget(key), help=helptext(key), format_func=LANGUAGE_NAMES.get)  # fmt: skip
    return {"privacy.consultant_names": names, "ui.language": lang}, []


def steering_form(cfg: dict) -> Values:
    """The steering deck's company name, logo file and accent colour."""
    look = cfg["steering"]
    left, middle, right = st.columns([2, 2, 1])
    key = "steering.company_name"
    company = left.text_input(label(key), look["company_name"], key=widget(key), help=helptext(key))
    key = "steering.logo_path"
    logo = middle.text_input(label(key), look["logo_path"] or "", key=widget(key),
                             help=helptext(key))  # fmt: skip
    key = "steering.accent_color"
    accent = right.color_picker(
        label(key), look["accent_color"], key=widget(key), help=helptext(key)
    )
    values = {"steering.company_name": company.strip(), "steering.logo_path": logo.strip() or None}
    return values | {"steering.accent_color": accent.upper()}, []


def delivery_form(cfg: dict) -> Values:
    """The at-risk share of the SLA alerts and the SMTP server of the e-mails."""
    values = fields(cfg, ["alerts.at_risk_share", "delivery.smtp_port"], per_row=2)
    texts = ["delivery.smtp_host", "delivery.smtp_user", "delivery.smtp_password_env",
             "delivery.from", "delivery.base_url"]  # fmt: skip
    for start in range(0, len(texts), 2):
        for column, key in zip(st.columns(2), texts[start : start + 2], strict=False):
            values[key] = column.text_input(label(key), current(cfg, key), key=widget(key),
                                            help=helptext(key)).strip()  # fmt: skip
    key = "delivery.starttls"
    values[key] = st.toggle(label(key), current(cfg, key), key=widget(key), help=helptext(key))
    return values, []


FORMS: dict[str, tuple[tuple[str, ...], Callable[[dict], Values]]] = {
    "knowledge": (("knowledge", "coverage"), knowledge_form),
    "workload": (("workload",), workload_form),
    "escalation": (("escalation",), escalation_form),
    "calendar": (("calendar",), calendar_form),
    "privacy": (("privacy", "ui"), privacy_form),
    "steering": (("steering",), steering_form),
    "delivery": (("alerts", "delivery"), delivery_form),
}


def show_problems(problems: list[edit.Message]) -> None:
    """Each problem as an error box; a setting key named in it is shown as its label."""
    for key, values in problems:
        shown = dict(values)
        if shown.get("field") in PERCENTS:  # bounds in the unit the field is edited in
            shown |= {b: round(shown[b] * 100) for b in ("low", "high") if b in shown}
        if "field" in shown:
            shown["field"] = label(shown["field"])
        st.error(t(key, **render.escape_values(shown)), icon=":material/error:")


def show_flash() -> None:
    """The confirmation left by the save or reset that triggered this rerun."""
    done = st.session_state.pop(FLASH, None)
    if done:
        st.success(t(done), icon=":material/check_circle:")


def finish(message: str, forget: list[str]) -> None:
    """After a write: forget the widgets drawn from the old data, confirm, draw again."""
    for key in forget:
        st.session_state.pop(key, None)
    st.session_state[FLASH] = message
    st.rerun()


def form(con: duckdb.DuckDBPyConnection, name: str, cfg: dict) -> None:
    """One group of parameters with its Save and Reset buttons."""
    sections, draw = FORMS[name]
    values, problems = draw(cfg)
    # a setting declared since this form was written still gets a field by its kind
    others = [k for section in sections for k in edit.section_keys(section) if k not in values]
    values |= fields(cfg, others)
    buttons = st.container(horizontal=True)
    if buttons.button(t("settings.save"), key=f"settings_{name}_save", type="primary"):
        problems = problems or save(values, cfg)
        if problems:
            show_problems(problems)
        else:
            finish("settings.saved", [])
    if buttons.button(
        t("settings.reset"), key=f"settings_{name}_reset", help=t("settings.reset_help")
    ):
        with data.writing() as writer:
            for section in sections:
                edit.reset_section(writer, section)
            if "workload" in sections:
                default_words = settings.defaults()["workload"]["absence_patterns"]
                after_save(writer, cfg, {"workload.absence_patterns": default_words})
        prefixes = tuple(f"settings_{section}_" for section in sections)
        finish("settings.reset_done", [k for k in st.session_state if k.startswith(prefixes)])


def save(values: dict[str, Any], before: dict) -> list[edit.Message]:
    """Write one form's values (and apply changed absence words); the problems, else []."""
    with data.writing() as writer:
        problems = edit.save_section(writer, values)
        if not problems:
            after_save(writer, before, values)
    return problems


def after_save(con: duckdb.DuckDBPyConnection, before: dict, values: dict[str, Any]) -> None:
    """Absence words are applied when time entries are loaded: apply changed ones now."""
    if edit.changed(before, values, "workload.absence_patterns"):
        from okam_analytics.ingest.service import refresh_current

        with st.spinner(t("settings.refreshing")):
            refresh_current(con)
