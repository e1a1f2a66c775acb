"""Headline figures of a site: live status of today and totals over a period."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from monitor.analytics.ledger import DayFigures
from monitor.analytics.model import WAIT_TARGET_MIN
from motcua.domain.dossier_kpis import DossierTally
from motcua.domain.kpis import percentile


def pct(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole`` to one decimal; None when ``whole`` is zero."""
    return None if whole <= 0 else round(100.0 * part / whole, 1)


def rounded(value: float | None, digits: int = 1) -> float | None:
    """``value`` rounded, None kept."""
    return None if value is None else round(value, digits)


@dataclass(frozen=True, slots=True)
class LiveStatus:
    """What the province sees of a site right now (today so far)."""

    waiting_now: int
    waiting_over_target: int
    arrivals_today: int
    served_today: int
    median_wait_min: float | None
    within_target_pct: float | None
    satisfaction_pct: float | None
    negative_pct: float | None
    feedback_today: int


def live_status(fig: DayFigures) -> LiveStatus:
    """The live status from today's figures computed at ``now`` (open waits included)."""
    late = fig.late_open
    return LiveStatus(
        waiting_now=fig.waiting_now,
        waiting_over_target=late,
        arrivals_today=fig.arrivals,
        served_today=fig.done,
        median_wait_min=rounded(percentile(fig.waits, 50)),
        # Citizens still waiting past the target already count as misses, so the morning is not flattered.
        within_target_pct=pct(fig.within_target, len(fig.waits) + late),
        satisfaction_pct=pct(fig.satisfied, fig.feedback),
        negative_pct=pct(fig.negative, fig.with_sentiment),
        feedback_today=fig.feedback,
    )


@dataclass(slots=True)
class PeriodTotals:
    """Counts of a site summed over several days (mergeable)."""

    days: int = 0
    arrivals: int = 0
    called: int = 0
    within_target: int = 0
    late_open: int = 0
    done: int = 0
    no_shows: int = 0
    dossiers: int = 0
    feedback: int = 0
    satisfied: int = 0
    with_sentiment: int = 0
    negative: int = 0
    wait_sum: float = 0.0
    served_by_staff: Counter[str] = field(default_factory=Counter)
    dossiers_by_staff: Counter[str] = field(default_factory=Counter)
    dossier: DossierTally = field(default_factory=DossierTally)

    def add(self, fig: DayFigures) -> None:
        """Add one day's figures."""
        if fig.arrivals or fig.called or fig.dossiers or fig.dossier.received or fig.feedback:
            self.days += 1
        self.arrivals += fig.arrivals
        self.called += len(fig.waits)
        self.within_target += sum(1 for w in fig.waits if w <= WAIT_TARGET_MIN)
        self.late_open += fig.late_open
        self.done += fig.done
        self.no_shows += fig.no_shows
        self.dossiers += fig.dossiers
        self.feedback += fig.feedback
        self.satisfied += fig.satisfied
        self.with_sentiment += fig.with_sentiment
        self.negative += fig.negative
        self.wait_sum += sum(fig.waits)
        self.served_by_staff.update(fig.served_by_staff)
        self.dossiers_by_staff.update(fig.dossiers_by_staff)
        self.dossier.merge(fig.dossier)

    @property
    def within_target_pct(self) -> float | None:
        """Share of visits called within the wait target (late open waits count as misses)."""
        return pct(self.within_target, self.called + self.late_open)

    @property
    def satisfaction_pct(self) -> float | None:
        """Share of ratings 'very satisfied' or 'satisfied'."""
        return pct(self.satisfied, self.feedback)

    @property
    def negative_pct(self) -> float | None:
        """Share of scored comments whose sentiment is negative."""
        return pct(self.negative, self.with_sentiment)

    @property
    def mean_wait_min(self) -> float | None:
        """Mean wait of the called visits."""
        return None if self.called == 0 else round(self.wait_sum / self.called, 1)


def totals(figs: Iterable[DayFigures]) -> PeriodTotals:
    """The sum of several days' figures."""
    out = PeriodTotals()
    for fig in figs:
        out.add(fig)
    return out
