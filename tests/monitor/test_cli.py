"""``motcua monitor`` and its account commands as a user runs them: create-user (password from stdin),
create-token, ``--demo`` (demo accounts printed), ``--insecure-cookies`` only on loopback; a real process."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
from waiting import wait_until

from motcua.runtime.broker import free_port

MOTCUA = [sys.executable, "-m", "motcua.cli", "monitor"]


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MOTCUA, *args], input=stdin, capture_output=True, text=True, timeout=120, check=False)


def _sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def _serve(data: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [*MOTCUA, "--data-dir", str(data), "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            return httpx.get(base + "/api/v1/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(healthy, 120, "motcua monitor to answer")
    return process, base


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    out, _ = process.communicate(timeout=15)
    return out


def test_the_first_operator_is_created_from_stdin_and_signs_in_over_plain_http_on_loopback(tmp_path: Path) -> None:
    data = tmp_path / "monitor"
    weak = _run(
        "create-user",
        "--data-dir",
        str(data),
        "--username",
        "op",
        "--role",
        "operator",
        "--password-stdin",
        stdin="short\n",
    )
    assert weak.returncode == 2 and "at least 10 characters" in weak.stderr
    made = _run(
        "create-user",
        "--data-dir",
        str(data),
        "--username",
        "Tinh.Op",
        "--role",
        "operator",
        "--password-stdin",
        stdin="một mật khẩu dài\n",
    )
    assert made.returncode == 0 and "account 'tinh.op' (operator) created" in made.stdout, made.stderr
    token = _run("create-token", "--data-dir", str(data), "--name", "bi", "--role", "viewer").stdout.strip()
    assert token.startswith("mct_")
    refused = _run("--data-dir", str(data), "--host", "0.0.0.0", "--insecure-cookies")
    assert refused.returncode == 2 and "loopback only" in refused.stderr
    process, base = _serve(data, "--insecure-cookies")
    try:
        with httpx.Client(base_url=base, follow_redirects=True) as client:
            assert client.get("/api/v1/store/sites").status_code == 401
            assert _sign_in(client, "tinh.op", "wrong password").status_code == 401
            answer = _sign_in(client, "TINH.OP", "một mật khẩu dài")
            assert answer.status_code == 200 and answer.url.path == "/"
            # plain HTTP for development: the cookies lose Secure and with it the __Host- prefix
            assert set(client.cookies.keys()) == {"motcua_session", "motcua_csrf"}
            assert client.get("/api/v1/auth/me").json() == {
                "name": "tinh.op",
                "role": "operator",
                "sites": None,
                "kind": "session",
            }
        reader = httpx.get(base + "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert (reader["name"], reader["role"], reader["kind"]) == ("bi", "viewer", "token")
    finally:
        _stop(process)


def test_demo_mode_fills_an_empty_store_and_prints_how_to_sign_in(tmp_path: Path) -> None:
    process, base = _serve(tmp_path / "demo", "--demo", "--demo-sites", "1", "--demo-weeks", "1")
    try:
        assert httpx.get(base + "/api/v1/store/sites").status_code == 401
    finally:
        out = _stop(process)
    assert "Đăng nhập / Sign in: http://127.0.0.1:" in out
    accounts = dict(re.findall(r"^  (demo-\w+)\s+(\S+)", out, flags=re.MULTILINE))
    assert set(accounts) == {"demo-operator", "demo-manager", "demo-viewer"}
    from monitor.auth import AuthService
    from monitor.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'demo' / 'monitor.db'}")
    try:
        auth = AuthService(store)
        for username, password in accounts.items():
            assert auth.sign_in(username, password).ok, username
        assert store.user("demo-manager").sites == frozenset({"bn-tthcc"})
        assert store.count_events() > 1000
    finally:
        store.close()
