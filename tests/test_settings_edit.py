"""Settings as the Settings page edits them: text forms, checks, whole-section saves, resets."""

from __future__ import annotations

import pandas as pd
import pytest

from okam_analytics import i18n, settings
from okam_analytics import settings_edit as edit


def test_every_setting_belongs_to_a_page_section() -> None:
    keys = [key for section in edit.SECTIONS for key in edit.section_keys(section)]
    assert sorted(keys) == sorted(s.key for s in settings.SETTINGS)


@pytest.mark.parametrize(
    ("texts", "windows", "problems"),
    [
        ({"mon": "09:00-18:00"}, {"mon": [["09:00", "18:00"]]}, []),
        ({"tue": "9:00-12:00, 14:00 - 18:30"}, {"tue": [["09:00", "12:00"], ["14:00", "18:30"]]}, []),
        ({"sat": "22:00-02:00"}, {"sat": [["22:00", "02:00"]]}, []),  # past midnight
        ({"sun": "00:00-24:00"}, {"sun": [["00:00", "24:00"]]}, []),
        ({"mon": "9h-18h"}, {}, [("settings.error.window", {"day": "mon", "value": "9h-18h"})]),
        ({"fri": "09:00-09:00"}, {}, [("settings.error.window", {"day": "fri", "value": "09:00-09:00"})]),
        ({"wed": "25:00-26:00"}, {}, [("settings.error.window", {"day": "wed", "value": "25:00-26:00"})]),
    ],
)  # fmt: skip
def test_windows_from_text(texts, windows, problems) -> None:
    parsed, found = edit.parse_windows(texts)
    assert found == problems
    assert {day: value for day, value in parsed.items() if value} == windows


def test_windows_round_trip() -> None:
    text = edit.windows_text(settings.DEFAULT_WINDOWS)
    assert text["mon"] == "09:00-18:00" and text["sun"] == ""
    assert edit.parse_windows(text) == (settings.DEFAULT_WINDOWS, [])


def test_lines_and_dates() -> None:
    assert edit.parse_lines("congé\n RTT , congé\n\nsick; leave") == [
        "congé",
        "RTT",
        "sick",
        "leave",
    ]
    assert edit.parse_dates("2026-12-24\n2026-02-30, 2026-01-01") == (
        ["2026-01-01", "2026-12-24"],
        [("settings.error.date", {"value": "2026-02-30"})],
    )


def test_sla_table_round_trip() -> None:
    assert edit.parse_sla(edit.sla_frame(settings.DEFAULT_SLA)) == (settings.DEFAULT_SLA, [])


def test_sla_table_problems() -> None:
    frame = pd.DataFrame(
        [
            {"priority": "P1", "response_minutes": 30, "resolution_minutes": 0, "clock": "24x7"},
            {"priority": "P1", "response_minutes": 30, "resolution_minutes": 90, "clock": "24x7"},
            {
                "priority": "P3",
                "response_minutes": 30.5,
                "resolution_minutes": 90,
                "clock": "weekly",
            },
            {"priority": None, "response_minutes": None, "resolution_minutes": None, "clock": None},
        ]
    )
    sla, problems = edit.parse_sla(frame)
    assert problems == [
        ("settings.error.sla_minutes", {"priority": "P1"}),
        ("settings.error.sla_priority", {"value": "P1"}),
        ("settings.error.sla_clock", {"priority": "P3"}),
    ]
    assert sla["P3"]["response_minutes"] == 30.5


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"knowledge.knower_floor": 5.0, "knowledge.target_knowers": 3}, []),
        ({"knowledge.knower_floor": -1.0}, [("settings.error.min", {"field": "knowledge.knower_floor", "low": 0, "high": None})]),
        ({"knowledge.min_share": 1.5}, [("settings.error.range", {"field": "knowledge.min_share", "low": 0, "high": 1})]),
        ({"knowledge.target_knowers": 0}, [("settings.error.range", {"field": "knowledge.target_knowers", "low": 1, "high": 20})]),
        ({"workload.busy_threshold": 1.2, "workload.overload_threshold": 1.1}, [("settings.error.thresholds", {})]),
        ({"escalation.priorities": ["P1", "P7"]}, [("settings.error.choice", {"field": "escalation.priorities", "value": "P7"})]),
        ({"calendar.timezone": "Mars/Olympus"}, [("settings.error.choice", {"field": "calendar.timezone", "value": "Mars/Olympus"})]),
        ({"calendar.holiday_country": "CH", "calendar.holiday_subdivision": "GE"}, []),
        ({"calendar.holiday_country": None, "calendar.holiday_subdivision": None}, []),
        ({"calendar.holiday_country": "FR", "calendar.holiday_subdivision": "GE"}, [("settings.error.choice", {"field": "calendar.holiday_subdivision", "value": "GE"})]),
        ({"privacy.consultant_names": "nicknames"}, [("settings.error.choice", {"field": "privacy.consultant_names", "value": "nicknames"})]),
        ({"ui.language": "de"}, [("settings.error.choice", {"field": "ui.language", "value": "de"})]),
    ],
)  # fmt: skip
def test_checks(values, problems) -> None:
    assert edit.check_section(values) == problems


def test_a_wrong_section_stores_nothing(con) -> None:
    problems = edit.save_section(con, {"knowledge.min_share": 0.2, "knowledge.knower_floor": -3.0})
    assert [key for key, _ in problems] == ["settings.error.min"]
    assert con.execute("select count(*) from settings").fetchall() == [(0,)]


def test_a_section_is_saved_then_reset(con) -> None:
    assert (
        edit.save_section(con, {"knowledge.min_share": 0.2, "workload.busy_threshold": 0.8}) == []
    )
    assert settings.load(con)["knowledge"]["min_share"] == 0.2
    edit.reset_section(con, "knowledge")
    loaded = settings.load(con)
    assert loaded["knowledge"]["min_share"] == 0.10
    assert loaded["workload"]["busy_threshold"] == 0.8


def test_holiday_lists_come_from_the_package() -> None:
    countries = edit.holiday_countries()
    assert countries["FR"] == "France" and countries["CH"] == "Switzerland"
    assert "FRA" not in countries  # three-letter aliases left out
    assert edit.subdivision_names("CH")["GE"] == "Genève"
    assert edit.subdivision_names(None) == {}


def test_changed() -> None:
    before = settings.defaults()
    assert edit.changed(
        before, {"workload.absence_patterns": ["congé"]}, "workload.absence_patterns"
    )
    same = {"workload.absence_patterns": before["workload"]["absence_patterns"]}
    assert not edit.changed(before, same, "workload.absence_patterns")
    assert not edit.changed(before, {}, "workload.absence_patterns")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_setting_has_a_label_and_a_help_text(lang) -> None:
    texts = i18n.catalogue(lang)
    missing = [
        f"settings.{kind}.{s.key}"
        for s in settings.SETTINGS
        for kind in ("label", "help")
        if f"settings.{kind}.{s.key}" not in texts
    ]
    assert missing == []
