"""The ``motcua`` command: one sub-command per role, each imported lazily.

Each sub-command lives in a module that exposes ``configure(parser)`` and ``run(args) -> int``;
importing it happens only when that sub-command runs, so ``motcua display`` never loads FastAPI.
A sub-command whose actions come from several deployables (``ACTIONS``) gets one set of sub-parsers that
each installed module fills with ``add_actions(sub)``, every action setting its own ``_run``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "site": ("queue_server.cli_site", "run a whole site on one machine: broker + queue server"),
    "server": ("queue_server.cli_server", "run the queue server against an existing MQTT broker"),
    "admin": ("queue_server.cli_admin", "administer a site's data directory (tokens, demo data)"),
    "kiosk": ("kiosk_ui.cli_kiosk", "run the citizen kiosk (Kivy)"),
    "display": ("kiosk_ui.cli_display", "run a waiting-room or counter display (Kivy)"),
    "sentiment": ("edge_agent.sentiment.cli", "score or evaluate feedback sentiment with the ONNX model"),
    "agent": ("edge_agent.cli_agent", "run the edge agent: health, sentiment scoring, uplink to the province"),
    "monitor": ("monitor.cli", "run the provincial monitor: ingest, dashboard, alerts"),
    "provision": ("provisioning.cli", "discover servers, create codes, enrol and revoke devices, render images"),
    "simulate": ("simulation.cli", "simulate a day at a centre; load and fault reports"),
}
# name -> further modules adding actions to it: the server's side of provisioning beside the device's.
ACTIONS: dict[str, tuple[str, ...]] = {"provision": ("queue_server.cli_provision",)}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _available() -> dict[str, tuple[str, str]]:
    """The commands whose package is installed, found without importing any of them.

    ``find_spec("pkg.module")`` would import ``pkg`` (its ``__init__``); a display must not load the server's
    package to print its help, so only the top-level package is looked up.
    """
    found = {}
    for name, (module, help_text) in COMMANDS.items():
        if importlib.util.find_spec(module.split(".")[0]) is not None:
            found[name] = (module, help_text)
    return found


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """Build the parser; only the chosen sub-command's module is imported."""
    parser = argparse.ArgumentParser(prog="motcua", description="motcua: one-stop kiosk and queue system")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands = _available()
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, (module, help_text) in commands.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen and name in ACTIONS:
            actions = command_parser.add_subparsers(dest="action", metavar="ACTION", required=True)
            for part in (module, *ACTIONS[name]):
                if _installed(part):
                    importlib.import_module(part).add_actions(actions)
        elif name == chosen:
            mod = importlib.import_module(module)
            mod.configure(command_parser)
            command_parser.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``motcua`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)
    run = getattr(args, "_run", None)
    if run is None:
        parser.print_help()
        return 2
    return int(run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
