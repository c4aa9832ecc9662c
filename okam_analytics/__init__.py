"""Okam Analytics: knowledge redundancy, workload and escalation response for IT services teams."""

__version__ = "0.1.0"
