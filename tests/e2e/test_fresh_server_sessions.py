"""Several managers reach a freshly started server at once (a steering meeting opening the
shared link, a team at 9 am): every page runs through app.py and none shows an exception.

Before any run has called st.navigation, Streamlit treats a project with a pages/ folder as an
old-style multipage app and ran each requested page alone, without app.py's sidebar filters
(KeyError: sidebar__filters); ui/data.py require_app() leaves that mode and runs again.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = ["workload", "knowledge", "escalations", "overview", "coverage", "today"]


@pytest.fixture
def sessions_client():
    sys.path.insert(0, str(REPO))  # bench/ is not a package of the app
    try:
        from bench import sessions

        yield sessions
    finally:
        sys.path.remove(str(REPO))


def test_sessions_at_once_on_a_fresh_server_all_run_through_the_app(
    fresh_sample_server: str, sessions_client
) -> None:
    # its own thread: Playwright's sync API holds an event loop in this one
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(sessions_client.load, fresh_sample_server, PAGES, len(PAGES)).result()
    assert result["exceptions"] == 0, result["exception_messages"]
    assert set(result["by_page"]) == set(PAGES)
