"""A demonstration province for the monitor: sites, weeks of simulated events, devices and alerts.

>>> from monitor.store import open_store
>>> from monitor.generator import generate
>>> generate(open_store("sqlite:////tmp/monitor.db"), sites=135, weeks=4)

or ``python -m monitor.generator --db sqlite:////tmp/monitor.db --sites 135 --weeks 4``.
"""

from __future__ import annotations

from monitor.generator.build import GenerationReport, generate, site_events
from monitor.generator.province import SiteProfile, province_sites
from monitor.generator.simulate import hourly_arrivals, simulate_day

__all__ = [
    "GenerationReport",
    "SiteProfile",
    "generate",
    "hourly_arrivals",
    "province_sites",
    "simulate_day",
    "site_events",
]
