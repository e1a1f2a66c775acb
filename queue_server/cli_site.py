"""``motcua site``: a whole site on one machine — MQTT broker, queue server, demo data.

The broker is a supervised child: restarted with back-off when it dies, and after ``--broker-restarts``
failed restarts in a row the site exits non-zero (systemd then restarts all of it). SIGTERM stops the site
as Ctrl-C does, broker and kiosk included.

With ``--demo`` the whole chain runs: the site's edge agent (``motcua agent --role server``, replaying the
server's event log with a demo agent token) uplinks to a local monitor (``motcua monitor``, SQLite) over the
site broker, and on a machine with a screen the kiosk and a waiting-room display open. Agent and monitor are
supervised children too (restarted with back-off; given up after ``--broker-restarts`` failures, the site
goes on without them). A port that is taken (1883, 8000, 8100 by default) is replaced by a free one, said so.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import IO

from queue_server.cli_common import configure_logging
from queue_server.cli_server import add_server_options, build_settings, serve
from queue_server.store.db import Database

logger = logging.getLogger(__name__)

DEMO_TOKENS_FILE = "demo-tokens.json"
DEMO_LABEL = "demo"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``motcua site``."""
    add_server_options(parser, data_dir_required=False)
    parser.add_argument("--broker-port", type=int, default=1883, help="MQTT port of the site broker (default: 1883)")
    parser.add_argument(
        "--broker-kind",
        choices=("auto", "mosquitto", "amqtt"),
        default="auto",
        help="which broker to start (default: mosquitto when installed, else amqtt)",
    )
    parser.add_argument(
        "--broker-restarts",
        type=int,
        default=5,
        help="failed broker restarts in a row before the site exits non-zero (default: 5)",
    )
    parser.add_argument(
        "--new-tokens",
        action="store_true",
        help=f"with --demo: revoke the demo tokens kept in DATA_DIR/{DEMO_TOKENS_FILE} and print new ones",
    )
    parser.add_argument(
        "--no-kiosk",
        action="store_true",
        help="do not open the kiosk and the waiting-room display even if a screen exists",
    )
    parser.add_argument(
        "--monitor-port", type=int, default=8100, help="with --demo: HTTP port of the local monitor (default: 8100)"
    )
    parser.add_argument(
        "--no-chain",
        action="store_true",
        help="with --demo: no edge agent and no local monitor (broker and server only)",
    )


def _demo_roles() -> dict[str, tuple[str, str | None]]:
    """Name printed -> (role, counter) of every demo device."""
    from queue_server.demo import DEMO_COUNTERS

    roles: dict[str, tuple[str, str | None]] = {role: (role, None) for role in ("admin", "kiosk", "display", "agent")}
    for counter in DEMO_COUNTERS:
        roles[f"counter {counter.id}"] = ("counter", counter.id)
    return roles


def _load_kept(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    tokens = data.get("tokens") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in tokens.items()} if isinstance(tokens, dict) else {}


def demo_tokens(db: Database, data_dir: Path, *, rotate: bool = False) -> dict[str, str]:
    """The demo devices' tokens, kept in ``DATA_DIR/demo-tokens.json`` (0600) so they survive a restart.

    The database stores only hashes, so the clear text lives in that file. A kept token that is still valid
    for its device is reused; one missing, revoked or wrong is replaced. ``rotate`` revokes every demo token
    and makes new ones. Without the file, demo tokens left in the database cannot be printed: revoked.
    """
    from motcua.runtime.files import write_private
    from queue_server.auth import authenticate, create_token, revoke_tokens

    path = data_dir / DEMO_TOKENS_FILE
    kept = {} if rotate else _load_kept(path)
    if not kept:
        revoke_tokens(db, label=DEMO_LABEL)
    tokens: dict[str, str] = {}
    for name, (role, counter_id) in _demo_roles().items():
        token = kept.get(name, "")
        principal = authenticate(db, token) if token else None
        if principal is None or principal.role != role or principal.counter_id != counter_id:
            token = create_token(db, role, counter_id=counter_id, label=DEMO_LABEL)
        tokens[name] = token
    if tokens != kept:
        body = {
            "note": "Demo device tokens of this site (motcua site --demo). Rotate: motcua site --demo --new-tokens",
            "tokens": tokens,
        }
        write_private(path, json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return tokens


def display_present(environ: Mapping[str, str]) -> bool:
    """A screen to open the kiosk on: X11 (``DISPLAY``) or Wayland (``WAYLAND_DISPLAY``, as under cage)."""
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def port_free(host: str, port: int) -> bool:
    """Nothing listens on host:port (a bind as servers do it, SO_REUSEADDR, succeeds)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def choose_port(host: str, port: int, what_vi: str, what_en: str) -> int:
    """``port`` when it is free, else a free one, said so (Vietnamese first)."""
    if port_free(host, port):
        return port
    from motcua.runtime.broker import free_port

    other = free_port(host)
    print(
        f"  Cổng {port} đang bận: {what_vi} dùng cổng {other} / port {port} is taken: {what_en} uses {other}",
        flush=True,
    )
    return other


class Child:
    """A supervised child process of the site (``motcua agent``, ``motcua monitor``), its output in a log file.

    ``supervise`` restarts it with back-off doubling from 0.5 s to 10 s when it exits; a run of 30 s resets
    the count, and after ``max_restarts`` failures in a row it is given up (logged; the site goes on).
    """

    def __init__(self, name: str, argv: Sequence[str], log: Path, env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.argv = list(argv)
        self.log = log
        self.env = dict(env or os.environ)
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Child:
        """Start the process (its output appended to ``log``)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out: IO[bytes]
        with self.log.open("ab") as out:
            # Its own session: a Ctrl-C at the terminal reaches the site only, which stops its children in order.
            self.process = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )
        return self

    def supervise(self, max_restarts: int, backoff: tuple[float, float] = (0.5, 10.0), stable: float = 30.0) -> Child:
        """Watch the process in a thread and restart it when it exits."""

        def watch() -> None:
            failures, up_since = 0, time.monotonic()
            while not self._stop.wait(0.2):
                process = self.process
                if process is None or process.poll() is None:
                    continue
                if time.monotonic() - up_since >= stable:
                    failures = 0
                failures += 1
                if failures > max_restarts:
                    logger.error(
                        "%s: %d restarts failed in a row; the site goes on without it", self.name, max_restarts
                    )
                    return
                delay = min(backoff[1], backoff[0] * 2 ** (failures - 1))
                logger.warning(
                    "%s (pid %d) exited with %s: restarting in %.1f s (see %s)",
                    self.name, process.pid, process.returncode, delay, self.log,
                )  # fmt: skip
                if self._stop.wait(delay):
                    return
                try:
                    self.start()
                except OSError as exc:
                    logger.warning("%s restart failed: %s", self.name, exc)
                    continue
                self.restarts += 1
                up_since = time.monotonic()

        self._thread = threading.Thread(target=watch, name=f"supervise-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop supervising, then SIGTERM (SIGKILL after ``timeout``)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


MONITOR_SIGN_IN_FILE = "monitor-sign-in.json"
MONITOR_USER = "demo"


def monitor_sign_in(data_dir: Path) -> dict[str, str] | None:
    """The local monitor's demo account (created once, kept 0600 in ``DATA_DIR/monitor-sign-in.json``).

    The monitor is another deployable: its account is made with ``motcua monitor create-user``.
    """
    from motcua.runtime.files import write_private

    path = data_dir / MONITOR_SIGN_IN_FILE
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        return {"username": str(kept["username"]), "password": str(kept["password"])}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    password = secrets.token_urlsafe(12)
    command = [sys.executable, "-m", "motcua.cli", "monitor", "create-user", "--data-dir", str(data_dir / "monitor")]
    command += ["--username", MONITOR_USER, "--role", "operator", "--display-name", "Demo", "--password-stdin"]
    done = subprocess.run(command, input=password + "\n", capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        logger.warning("could not create the monitor's demo account: %s", done.stderr.strip())
        return None
    account = {"username": MONITOR_USER, "password": password}
    write_private(path, json.dumps({"note": "Sign-in of the demo site's local monitor", **account}) + "\n")
    return account


def start_chain(
    args: argparse.Namespace, settings: object, broker_url: str, base: str, agent_token: str, data_dir: Path
) -> tuple[list[Child], str, dict[str, str] | None]:
    """Start the local monitor and the site's edge agent (supervised); (children, monitor URL, sign-in)."""
    site_id = str(getattr(settings, "site_id", ""))
    motcua = [sys.executable, "-m", "motcua.cli"]
    sign_in = monitor_sign_in(data_dir)
    monitor_argv = [*motcua, "monitor", "--data-dir", str(data_dir / "monitor"), "--host", args.host]
    monitor_argv += ["--port", str(args.monitor_port), "--broker", broker_url]
    if args.host in ("127.0.0.1", "localhost", "::1"):
        monitor_argv.append("--insecure-cookies")  # plain HTTP on loopback: the demo's sign-in works
    monitor = Child("motcua monitor", monitor_argv, data_dir / "monitor.log").start()
    agent_argv = [*motcua, "agent", "--role", "server", "--site", site_id, "--broker", broker_url]
    agent_argv += ["--data-dir", str(data_dir / "agent"), "--server-url", base, "--server-token", agent_token]
    agent_argv += ["--heartbeat", "10", "--kpi-interval", "60"]
    env = {**os.environ, "MOTCUA_AGENT_REPLAY_INTERVAL_S": "5"}
    agent = Child("motcua agent", agent_argv, data_dir / "agent.log", env).start()
    children = [agent, monitor]  # stopped in this order: the agent says offline while the broker is up
    for child in children:
        child.supervise(args.broker_restarts)
    return children, f"http://{args.host}:{args.monitor_port}", sign_in


class _Terminated(BaseException):
    """SIGTERM arrived: stop the site as Ctrl-C does."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def run(args: argparse.Namespace) -> int:
    """Start the broker, seed the demo, print the URLs, serve until Ctrl-C or SIGTERM, then stop everything."""
    configure_logging(args.verbose)
    from motcua.runtime.broker import BrokerSupervisor, start_broker

    # uvicorn handles SIGTERM itself and raises it again once it has shut down: without a handler of ours
    # the default action would end the process there, leaving the broker child running (and its port held).
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)
    data_dir = args.data_dir.resolve()
    kind = None if args.broker_kind == "auto" else args.broker_kind
    chain = args.demo and not args.no_chain
    args.broker_port = choose_port(args.host, args.broker_port, "MQTT broker", "the MQTT broker")
    args.port = choose_port(args.host, args.port, "máy chủ xếp hàng", "the queue server")
    if chain:
        args.monitor_port = choose_port(args.host, args.monitor_port, "giám sát", "the monitor")
    broker = start_broker(data_dir / "broker", host=args.host, port=args.broker_port, kind=kind)
    broker_failed = threading.Event()

    def give_up() -> None:
        broker_failed.set()
        os.kill(os.getpid(), signal.SIGTERM)  # the same orderly stop as a terminate from outside

    supervisor = BrokerSupervisor(broker, max_restarts=args.broker_restarts, on_give_up=give_up).start()
    kiosk: subprocess.Popen[bytes] | None = None
    display: subprocess.Popen[bytes] | None = None
    children: list[Child] = []
    try:
        settings = build_settings(args, broker.url)
        base = f"http://{args.host}:{args.port}"
        if args.demo:
            from queue_server.demo import seed_demo
            from queue_server.store.db import open_database

            db = open_database(data_dir)
            seed_demo(db)
            tokens = demo_tokens(db, data_dir, rotate=args.new_tokens)
            db.close()
        else:
            tokens = {}
        monitor_url, sign_in = "", None
        if chain:
            children, monitor_url, sign_in = start_chain(args, settings, broker.url, base, tokens["agent"], data_dir)
        print(f"\nmotcua site '{settings.site_id}' — broker {broker.kind} at {broker.url}", flush=True)
        print(f"  Staff console : {base}/console/", flush=True)
        print(f"  API docs      : {base}/docs (Swagger UI), {base}/redoc (ReDoc)", flush=True)
        if tokens:
            print(f"  Admin page    : {base}/console/admin#token={tokens['admin']}")
            print(f"  Counter 1     : {base}/console/counter#counter=1&token={tokens['counter 1']}")
            print(f"  Kiosk token   : {tokens['kiosk']}")
            print(f"  Display token : {tokens['display']}")
            print(f"  Demo tokens   : kept in {data_dir / DEMO_TOKENS_FILE} (new ones: --new-tokens)")
        if chain:
            print(
                f"  Monitor       : {monitor_url}/ (the province's view of this site; log {data_dir / 'monitor.log'})"
            )
            if sign_in:
                print(f"  Monitor login : {monitor_url}/login — {sign_in['username']} / {sign_in['password']}")
            print(f"  Edge agent    : uplinks to the monitor, replays the event log (log {data_dir / 'agent.log'})")
        screen = not args.no_kiosk and display_present(os.environ)
        if screen:
            print("  Screens       : the kiosk and the waiting-room display open in windows", flush=True)
        print("  Ctrl-C stops the site.\n", flush=True)
        if screen:
            # Kiosk and display are another deployable: their own `motcua` processes, never imported here.
            if importlib.util.find_spec("kiosk_ui") is not None:
                env = {**os.environ, "MOTCUA_KIOSK_SERVER_URL": base, "MOTCUA_KIOSK_TOKEN": tokens.get("kiosk", "")}
                kiosk = subprocess.Popen([sys.executable, "-m", "motcua.cli", "kiosk", "--windowed"], env=env)
                display_argv = [sys.executable, "-m", "motcua.cli", "display", "--kind", "waiting-room", "--windowed"]
                display_argv += ["--broker", broker.url, "--site", str(settings.site_id)]
                display = subprocess.Popen(display_argv)
            else:
                logger.info("kiosk app not installed; not opening it")
        serve(settings, demo=False)
    except (KeyboardInterrupt, _Terminated):
        pass
    finally:
        for window in (kiosk, display):
            if window is not None:
                window.terminate()
        for child in children:
            child.stop()
        for window in (kiosk, display):
            if window is not None:
                try:
                    window.wait(10)
                except subprocess.TimeoutExpired:
                    window.kill()
        supervisor.stop()
        print("motcua site stopped.", flush=True)
    if broker_failed.is_set():
        logger.error("the MQTT broker could not be kept up: exiting with status 1")
        return 1
    return 0
