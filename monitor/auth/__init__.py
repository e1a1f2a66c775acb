"""The monitor's accounts and access control: sign-in with lock-out, sessions, CSRF, API tokens, audit log.

``AuthService`` holds the rules over the store; ``monitor.auth.http`` puts them on the app (``guard`` on
every route, ``install`` for the login page and the ``/api/v1/auth/...`` routes); the one table of who may
call what is ``monitor.core.access.RULES``. FastAPI is loaded only by ``monitor.auth.http``.
"""

from __future__ import annotations

from monitor.auth.passwords import Passwords
from monitor.auth.service import AuthService, SessionInfo, SignIn

__all__ = ["AuthService", "Passwords", "SessionInfo", "SignIn"]
