"""Connections to the tools' APIs: one module per tool, feeding ingest like an export (SPEC 10)."""

from __future__ import annotations

import importlib
from types import ModuleType

# type -> module; each module has LABEL, client(), check() and fetch()
TYPES = {
    "zendesk": "okam_analytics.connectors.zendesk",
    "harvest": "okam_analytics.connectors.harvest",
    "jira": "okam_analytics.connectors.jira",
    "glpi": "okam_analytics.connectors.glpi",
    "freshservice": "okam_analytics.connectors.freshservice",
    "clockify": "okam_analytics.connectors.clockify",
    "toggl": "okam_analytics.connectors.toggl",
    "kimai": "okam_analytics.connectors.kimai",
    "tempo": "okam_analytics.connectors.tempo",
}


def module(type_name: str) -> ModuleType:
    """The connector module of a connection type (ValueError naming the known types)."""
    if type_name not in TYPES:
        raise ValueError(f"Unknown connection type '{type_name}'; known: {', '.join(TYPES)}.")
    return importlib.import_module(TYPES[type_name])
