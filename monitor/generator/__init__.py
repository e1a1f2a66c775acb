"""A demonstration province for the monitor: sites, weeks of simulated events, devices and alerts.

>>> from monitor.store import open_store
>>> from monitor.generator import generate
>>> generate(open_store("sqlite:////tmp/monitor.db"), sites=135, weeks=4)

or ``python -m monitor.generator --db sqlite:////tmp/monitor.db --sites 135 --weeks 4`` (which also creates
the demo accounts ``demo-operator``, ``demo-manager`` and ``demo-viewer`` and prints their passwords).
"""

from __future__ import annotations

from monitor.generator.accounts import DemoAccount, create_demo_accounts, print_demo_accounts
from monitor.generator.build import GenerationReport, generate, site_events
from monitor.generator.province import SiteProfile, province_sites
from monitor.generator.simulate import hourly_arrivals, simulate_day

__all__ = [
    "DemoAccount",
    "GenerationReport",
    "SiteProfile",
    "create_demo_accounts",
    "generate",
    "hourly_arrivals",
    "print_demo_accounts",
    "province_sites",
    "simulate_day",
    "site_events",
]
