"""Shared fixtures: a real DuckDB per test."""

from __future__ import annotations

import pytest

from okam_analytics import db


@pytest.fixture
def con(tmp_path):
    """A fresh, migrated database file for one test."""
    connection = db.connect(tmp_path / "test.duckdb")
    yield connection
    connection.close()
