"""The one exception of the import pipeline: a whole file refused for a structural reason."""

from __future__ import annotations


class ImportRefused(Exception):
    """The whole file is refused; str(exc) names the problem for a manager."""
