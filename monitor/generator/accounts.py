"""The demonstration province's accounts: an operator, a site manager of one district centre, a viewer.

Each gets a random password (printed once by whoever generates the demo), so a demo store copied to a
network is not open to a password written in this file.
"""

from __future__ import annotations

import secrets
import sys
from dataclasses import dataclass
from typing import Any, TextIO


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo account and its password (demo only: shown so that one can sign in)."""

    username: str
    role: str
    sites: tuple[str, ...] | None
    password: str


def create_demo_accounts(store: Any, sites: list[str], *, managed: str | None = None) -> tuple[DemoAccount, ...]:
    """Create ``demo-operator``, ``demo-manager`` (of ``managed``, else the first site) and ``demo-viewer``;
    an account that exists already is left as it is (and not returned)."""
    from monitor.auth import AuthService

    auth = AuthService(store)
    managed = managed or (sites[0] if sites else None)
    wanted: list[tuple[str, str, tuple[str, ...] | None]] = [("demo-operator", "operator", None)]
    if managed:
        wanted.append(("demo-manager", "site_manager", (managed,)))
    wanted.append(("demo-viewer", "viewer", None))
    made = []
    for username, role, scope in wanted:
        if store.user(username) is not None:
            continue
        password = secrets.token_urlsafe(12)
        auth.create_user(username, password, role, scope, display_name=username, created_by="demo")
        made.append(DemoAccount(username, role, scope, password))
    return tuple(made)


def print_demo_accounts(accounts: tuple[DemoAccount, ...], login_url: str, out: TextIO | None = None) -> None:
    """Say how to sign in with the demo accounts (Vietnamese, then English)."""
    out = out or sys.stdout
    if not accounts:
        return
    print(f"Đăng nhập / Sign in: {login_url}", file=out)
    for a in accounts:
        scope = "mọi điểm / every site" if a.sites is None else ", ".join(a.sites)
        print(f"  {a.username:<14} {a.password:<18} {a.role:<12} ({scope})", file=out)
    print("Mật khẩu chỉ hiện một lần / The passwords are shown only once.", file=out, flush=True)
