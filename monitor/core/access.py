"""Who may do what at the monitor: the roles, a signed-in principal, and ONE table of access rules.

Every route of the monitor's app has a rule here, keyed by (method, path template): who is asked for
(nobody, a site's ingest token, or an account or API token of some roles), whether a bearer token is
accepted, whether it is a page (an anonymous visitor is sent to the login page instead of a 401), and
where the site a request is about is read from (``site`` in the query or the path). A route without a rule
is refused (fail closed); a test walks the served OpenAPI schema and the app's routes against this table.

Pure: no I/O, the clock passed in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

OPERATOR: Final = "operator"
SITE_MANAGER: Final = "site_manager"
VIEWER: Final = "viewer"
ROLES: Final = (OPERATOR, SITE_MANAGER, VIEWER)

# Lock-out: this many consecutive wrong passwords for one username pause its sign-in for LOCK_FOR.
MAX_FAILURES: Final = 5
LOCK_FOR: Final = timedelta(minutes=15)
MIN_PASSWORD_LENGTH: Final = 10

Auth = Literal["public", "site_token", "account"]
SiteFrom = Literal["", "query", "path"]
Decision = Literal["allow", "unauthenticated", "forbidden_role", "forbidden_site", "token_not_accepted"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request comes from: an account (cookie session) or an API token, with its role and sites.

    ``sites`` is None for "every site" (operators, province-wide viewers), else the sites it may read.
    """

    kind: Literal["session", "token"]
    name: str
    role: str
    sites: frozenset[str] | None
    ref: str = ""  # the session's or token's id (for sign-out and the audit log), never its secret

    def may_see(self, site: str) -> bool:
        """Whether this principal may read ``site``'s data."""
        return self.sites is None or site in self.sites

    def visible(self, sites: Iterable[str]) -> list[str]:
        """Those of ``sites`` this principal may read, in their order."""
        return [s for s in sites if self.may_see(s)]


@dataclass(frozen=True, slots=True)
class Rule:
    """The access rule of one route."""

    auth: Auth
    roles: frozenset[str] = frozenset()
    site: SiteFrom = ""
    bearer: bool = True  # an API token may call it (False: a signed-in person only)
    page: bool = False  # an HTML page: anonymous visitors are redirected to the login page


def _account(*roles: str, site: SiteFrom = "", bearer: bool = True, page: bool = False) -> Rule:
    return Rule("account", frozenset(roles or ROLES), site, bearer, page)


PUBLIC: Final = Rule("public")
ALL: Final = ROLES
READERS_WHO_EXPORT: Final = (OPERATOR, SITE_MANAGER)

# (method, path) -> rule. HEAD is answered by the rule of GET.
RULES: Final[Mapping[tuple[str, str], Rule]] = {
    # ingest from the sites: their own bearer site tokens (checked by the route), as before
    ("POST", "/api/v1/ingest"): Rule("site_token"),
    # liveness, the API description and the sign-in page: no data in them
    ("GET", "/api/v1/healthz"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,  # checks its own double-submit CSRF token
    # the dashboard's pages and JSON
    ("GET", "/"): _account(page=True),
    ("GET", "/sites/{site}"): _account(site="path", page=True),
    ("GET", "/api/v1/dashboard/overview"): _account(),  # rows of the principal's sites only
    ("GET", "/api/v1/dashboard/sites/{site}"): _account(site="path"),
    ("GET", "/api/v1/dashboard/status"): _account(OPERATOR),  # the dashboard's own counters, province-wide
    ("GET", "/api/v1/dashboard/export"): _account(*READERS_WHO_EXPORT, site="query"),
    # the store's reads: ?site= must be the principal's; without it, only the principal's sites
    ("GET", "/api/v1/store/events"): _account(site="query"),
    ("GET", "/api/v1/store/sites"): _account(),
    ("GET", "/api/v1/store/devices"): _account(site="query"),
    ("GET", "/api/v1/store/alerts"): _account(site="query"),
    # the signed-in person, sign-out, accounts, tokens and the audit log
    ("GET", "/api/v1/auth/me"): _account(),
    ("POST", "/api/v1/auth/logout"): _account(bearer=False),
    ("GET", "/api/v1/auth/users"): _account(OPERATOR),
    ("POST", "/api/v1/auth/users"): _account(OPERATOR, bearer=False),
    ("PATCH", "/api/v1/auth/users/{username}"): _account(OPERATOR, bearer=False),
    ("GET", "/api/v1/auth/tokens"): _account(OPERATOR),
    ("POST", "/api/v1/auth/tokens"): _account(OPERATOR, bearer=False),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): _account(OPERATOR, bearer=False),
    ("GET", "/api/v1/auth/audit"): _account(OPERATOR),
    # Prometheus metrics (monitor/metrics.py): per-site freshness and open alerts of the whole province
    ("GET", "/metrics"): _account(OPERATOR),
}

# Mounted static files (CSS, scripts, the message catalogue, Chart.js; the API docs' bundles): no data.
PUBLIC_MOUNTS: Final = ("/dashboard-static", "/docs-assets")
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def rule_for(method: str, path: str) -> Rule | None:
    """The rule of a route (``path`` is its template, e.g. ``/sites/{site}``); None when it has none."""
    method = "GET" if method == "HEAD" else method
    return RULES.get((method, path))


def decide(rule: Rule, principal: Principal | None, site: str | None) -> Decision:
    """Whether ``principal`` may call a route of ``rule`` about ``site`` (None: no site named)."""
    if rule.auth != "account":
        return "allow"
    if principal is None:
        return "unauthenticated"
    if principal.kind == "token" and not rule.bearer:
        return "token_not_accepted"
    if principal.role not in rule.roles:
        return "forbidden_role"
    if site is not None and not principal.may_see(site):
        return "forbidden_site"
    return "allow"


def normalize_username(username: str) -> str:
    """The key of a username: NFC, trimmed, case-folded (``Ng.Van.An`` and ``ng.van.an`` are one account)."""
    return unicodedata.normalize("NFC", username).strip().casefold()


def check_scope(role: str, sites: Iterable[str] | None) -> frozenset[str] | None:
    """The sites of an account or token of ``role``, validated; raises ValueError with the reason.

    Operators read every site (no set). A site manager has one or more sites. A viewer reads every site
    (None) or the sites given.
    """
    chosen = None if sites is None else frozenset(s.strip() for s in sites if s.strip())
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == OPERATOR and chosen:
        raise ValueError("an operator reads every site: give no sites")
    if role == SITE_MANAGER and not chosen:
        raise ValueError("a site manager needs at least one site")
    return None if role == OPERATOR or not chosen else chosen


def lock_after_failure(failures: int, now: datetime) -> tuple[int, datetime | None]:
    """(failures to store, locked until) after one more wrong password for a username with ``failures``."""
    failures += 1
    if failures >= MAX_FAILURES:
        return 0, now + LOCK_FOR
    return failures, None


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    """Whether a username's sign-in is paused at ``now``."""
    return locked_until is not None and now < locked_until


def password_problem(password: str) -> str | None:
    """Why ``password`` is not accepted for a new account (None: accepted)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"at least {MIN_PASSWORD_LENGTH} characters"
    return None


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in (never another origin): ``/`` unless ``target`` is one."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 0x20 for c in target):
        return "/"
    return target
