"""At risk and breached open escalations (SPEC 11) on both clocks, minutes by hand."""

from __future__ import annotations

import delivery_data
import pytest

from okam_analytics import settings
from okam_analytics.metrics import sla_risk


@pytest.fixture
def risk(con):
    delivery_data.load(con)
    frame = sla_risk.escalation_risk(con, settings.load(con), delivery_data.NOW)
    return frame.set_index("ticket_id")


@pytest.mark.parametrize(
    ("ticket", "clock", "target", "share", "left", "state"),
    [
        ("a1", "24x7", "response", 0.75, 15, "at_risk"),
        ("a2", "24x7", "response", 61 / 60, -1, "breached"),
        ("a3", "24x7", "resolution", 1.0, 0, "breached"),
        ("a4", "24x7", "resolution", 0.75, 60, "at_risk"),
        ("a5", "24x7", "resolution", 179 / 240, 61, "ok"),
        ("b1", "business", "response", 0.75, 30, "at_risk"),
        ("b2", "business", "response", 5.5, -540, "breached"),
        ("b3", "business", "resolution", 1.0, 0, "breached"),
        ("b4", "business", "resolution", 1140 / 1440, 300, "at_risk"),
        ("c1", "business", "response", 0.25, 90, "ok"),
    ],
)
def test_share_time_left_and_state(risk, ticket, clock, target, share, left, state):
    row = risk.loc[ticket]
    assert (row["clock"], row["target"], row["risk_state"]) == (clock, target, state)
    assert row["consumed_share"] == pytest.approx(share)
    assert row["minutes_left"] == pytest.approx(left)


def test_only_open_escalations_are_listed(risk):
    assert sorted(risk.index) == ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "c1"]


def test_the_at_risk_share_is_a_setting(con):
    delivery_data.load(con)
    settings.save(con, "alerts.at_risk_share", 0.5)
    frame = sla_risk.escalation_risk(con, settings.load(con), delivery_data.NOW)
    states = dict(zip(frame["ticket_id"], frame["risk_state"], strict=True))
    assert states["a5"] == "at_risk"  # 0.746 >= 0.5
    assert states["c1"] == "ok"  # 0.25 < 0.5


def test_response_share_stops_at_the_first_response(risk):
    assert risk.loc["a3", "response_share"] != risk.loc["a3", "response_share"]  # NaN
    assert risk.loc["a1", "response_share"] == pytest.approx(0.75)
