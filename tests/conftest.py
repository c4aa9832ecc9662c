"""Shared fixtures: a real DuckDB per test."""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager

from okam_analytics import db


@pytest.fixture
def con(tmp_path):
    """A fresh, migrated database file for one test."""
    connection = db.connect(tmp_path / "test.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def navigation_v2(monkeypatch):
    """AppTest runs of app.py in st.navigation mode, as the server runs them."""
    # A folder named pages/ makes Streamlit start each AppTest run as a v1 multipage app, which
    # runs a switched-to page without app.py; the server leaves that mode once st.navigation ran.
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
