"""Token buckets keyed by principal or address: ticket issue per kiosk, enrolment attempts per address."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bucket:
    """A token bucket: ``tokens`` left at time ``at`` (seconds, monotonic)."""

    tokens: float
    at: float


@dataclass
class TokenBuckets:
    """Per-key token buckets: ``rate`` tokens a second up to ``burst``; the caller passes ``now``."""

    rate: float
    burst: int
    max_keys: int = 10_000
    _buckets: dict[str, Bucket] = field(default_factory=dict)

    def take(self, key: str, now: float) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until one is available."""
        bucket = self._buckets.get(key)
        tokens = float(self.burst) if bucket is None else min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        if tokens >= 1.0:
            if len(self._buckets) >= self.max_keys and key not in self._buckets:
                self._forget_full(now)
            self._buckets[key] = Bucket(tokens - 1.0, now)
            return 0.0
        self._buckets[key] = Bucket(tokens, now)
        return (1.0 - tokens) / self.rate if self.rate > 0 else float("inf")

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled (they carry no state); bounded memory under many keys."""
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.at) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:
            self._buckets.clear()
