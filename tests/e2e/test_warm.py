"""The background cache warming in a real server: after the first request, the app opens its
own analysis pages over the websocket protocol (ui/warm.py) and says so in its log."""

from __future__ import annotations

import time
from pathlib import Path

from okam_analytics.ui import warm

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"  # where conftest.py logs the server


def test_first_request_warms_every_analysis_page(warming_app_server: str) -> None:
    url = warming_app_server.replace("http://", "ws://") + "/_stcore/stream"
    seconds = warm.run_page(url, "overview")  # the protocol client a warm visit uses
    assert seconds > 0
    log = OUTPUT / "streamlit-e2e-warming.log"
    deadline = time.monotonic() + 120
    while "warmed 7 pages for data version" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()[-2000:]
        time.sleep(0.5)
    # every page really ran in the warm sessions: no exception was logged
    assert "Traceback" not in log.read_text()
