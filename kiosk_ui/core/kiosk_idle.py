"""The kiosk's idle timer: a visible countdown, then the whole visit wiped (never before a slow reader is done).

A mixin of :class:`kiosk_ui.core.kiosk_flow.KioskFlow`; time is passed in (monotonic seconds).
"""

from __future__ import annotations

from kiosk_ui.core.kiosk_visit import IdleState, Screen, Visit

__all__ = ["IdleTimer"]


class IdleTimer:
    """Touch, timeout, idle state and tick over the flow's screen and visit."""

    screen: Screen
    visit: Visit
    last_touch: float
    idle_timeout: float
    idle_warning: float
    done_seconds: float
    reading_floor: float
    wipes: int

    @property
    def feedback_thanks(self) -> bool:  # pragma: no cover - the feedback steps define it
        raise NotImplementedError

    def home(self) -> None:  # pragma: no cover - the flow defines it
        raise NotImplementedError

    def touch(self, now: float) -> None:
        """The citizen touched the screen."""
        self.last_touch = now

    def timeout(self) -> float:
        """Seconds of inactivity before the visit is wiped on this screen (never less than its reading time)."""
        if self.screen == Screen.DONE or self.feedback_thanks:
            return max(self.done_seconds, self.reading_floor)
        return max(self.idle_timeout, self.reading_floor + self.idle_warning)

    def idle(self, now: float) -> IdleState | None:
        """The idle state at ``now``: None on the welcome screen (nothing to wipe)."""
        if self.screen == Screen.WELCOME:
            return None
        left = self.timeout() - (now - self.last_touch)
        warn = self.screen != Screen.DONE and not self.feedback_thanks and left <= self.idle_warning
        return IdleState(warning=warn, seconds_left=max(left, 0.0))

    def tick(self, now: float) -> IdleState | None:
        """Advance the idle timer; wipes the visit (back to welcome) when it runs out."""
        if self.visit.busy:
            self.last_touch = max(self.last_touch, now - 1.0)  # never wipe a visit mid-request
        state = self.idle(now)
        if state is not None and state.seconds_left <= 0:
            self.wipes += 1
            self.home()
            return None
        return state
