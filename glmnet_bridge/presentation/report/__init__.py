"""Comparison reports a statistician can hand on: one HTML file, or Markdown with PNGs.

Reads a finished :class:`glmnet_bridge.Comparison`; fits nothing of its own.
"""

from .build import report_context, write_report
from .wide import wide_table

__all__ = ["write_report", "report_context", "wide_table"]
