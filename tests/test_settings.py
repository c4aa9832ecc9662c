"""Settings: declared once, validated, stored, merged from a JSON file, all documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from okam_analytics import settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


@pytest.mark.parametrize("spec", settings.SETTINGS, ids=lambda s: s.key)
def test_every_setting_is_documented(spec):
    assert f"`{spec.key}`" in DOCS.read_text(encoding="utf-8")


def test_saved_value_overrides_default_and_others_keep_theirs(con):
    settings.save(con, "knowledge.knower_floor", 5.5)
    loaded = settings.load(con)
    assert loaded["knowledge"]["knower_floor"] == 5.5
    assert loaded["knowledge"]["half_life_days"] == 90


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("knowledge.knower_floor", "seven", "wrong type"),
        ("knowledge.knower_floor", -1, "cannot be negative"),
        ("knowledge.half_life_days", 0, "must be above 0"),
        ("workload.overload_threshold", True, "must be a number"),
        ("privacy.consultant_names", "nicknames", "full, initials or hidden"),
        ("knowledge.no_such_thing", 1, "Unknown setting"),
    ],
)
def test_invalid_values_are_refused_and_not_stored(con, key, value, message):
    with pytest.raises(settings.SettingsError, match=message):
        settings.save(con, key, value)
    assert con.execute("select count(*) from settings").fetchall() == [(0,)]


def test_settings_file_merges_nested_keys(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"calendar": {"timezone": "Europe/Zurich"}}), encoding="utf-8")
    merged = settings.merge(settings.defaults(), settings.load_file(path))
    assert merged["calendar"]["timezone"] == "Europe/Zurich"
    assert merged["calendar"]["holiday_country"] == "FR"


def test_broken_settings_file_names_the_problem(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"knowledge": {', encoding="utf-8")
    with pytest.raises(settings.SettingsError, match="not valid JSON"):
        settings.load_file(path)
