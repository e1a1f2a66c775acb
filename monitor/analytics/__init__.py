"""Pure analytics of the provincial monitor: ledger of site events, live figures, ranking, productivity, forecast.

No I/O: events come in as objects shaped like ``UplinkEvent``; ``now`` is always an argument.
"""

from __future__ import annotations

from monitor.analytics.figures import LiveStatus, PeriodTotals, live_status, totals
from monitor.analytics.forecast import ErrorReport, Profile, evaluate, forecast_day
from monitor.analytics.ledger import DayFigures, Ledger, SiteLedger
from monitor.analytics.model import VN_TZ, Event, EventLike, SiteInfo, local_day
from monitor.analytics.productivity import Productivity, site_productivity, staff_productivity
from monitor.analytics.ranking import Ranked, ScoreInput, rank_sites
from monitor.analytics.views import Context, DeviceCount, overview, site_page

__all__ = [
    "VN_TZ",
    "Context",
    "DayFigures",
    "DeviceCount",
    "ErrorReport",
    "Event",
    "EventLike",
    "Ledger",
    "LiveStatus",
    "PeriodTotals",
    "Productivity",
    "Profile",
    "Ranked",
    "ScoreInput",
    "SiteInfo",
    "SiteLedger",
    "evaluate",
    "forecast_day",
    "live_status",
    "local_day",
    "overview",
    "rank_sites",
    "site_page",
    "site_productivity",
    "staff_productivity",
    "totals",
]
