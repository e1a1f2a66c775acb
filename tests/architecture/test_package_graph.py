"""The package dependency graph: each deployable imports only the ground floor (``motcua``) and itself.

Every ``import`` and ``from ... import`` in a package's source counts, lazy ones inside functions too, and
so does ``importlib.import_module("...")`` with a literal name. The allowed edges are this one table.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = frozenset(
    {"motcua", "queue_server", "kiosk_ui", "edge_agent", "monitor", "provisioning", "models", "firmware_configs",
     "simulation"}
)

# package -> first-party packages it may import besides itself. Why each edge beyond ``motcua`` exists:
# - provisioning renders device images from firmware_configs' templates (data, no logic);
# - models (build time, not installed on devices) trains and evaluates what edge_agent runs, with
#   edge_agent's own normaliser and scorer, so the two cannot drift apart;
# - simulation is a harness around the real server and the displays' view-models.
ALLOWED: dict[str, frozenset[str]] = {
    "motcua": frozenset(),
    "queue_server": frozenset({"motcua"}),
    "kiosk_ui": frozenset({"motcua"}),
    "edge_agent": frozenset({"motcua"}),
    "monitor": frozenset({"motcua"}),
    "provisioning": frozenset({"motcua", "firmware_configs"}),
    "firmware_configs": frozenset({"motcua"}),
    "models": frozenset({"motcua", "edge_agent"}),
    "simulation": frozenset({"motcua", "queue_server", "kiosk_ui"}),
}


def imported_packages(source: str) -> set[str]:
    """First-party top-level packages that ``source`` imports (absolute imports and literal import_module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        found |= {name.split(".")[0] for name in names} & FIRST_PARTY
    return found


def crossings(package: str, files: list[Path]) -> list[str]:
    """``file -> package`` for every import of ``package``'s files outside its allowed edges."""
    allowed = ALLOWED[package] | {package}
    bad = []
    for path in files:
        for target in sorted(imported_packages(path.read_text(encoding="utf-8")) - allowed):
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            bad.append(f"{where} -> {target}")
    return bad


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_its_allowed_edges(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no source"
    assert crossings(package, files) == []


def test_every_first_party_package_is_in_the_table():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert packages - {"tests", "benchmarks"} == set(ALLOWED)


# The crossings found when the walls were drawn (issue 12): the checker must flag each of them.
PAST_CROSSINGS = [
    ("provisioning", "from queue_server.store.db import Database"),
    ("provisioning", "def f():\n    from queue_server.auth import create_token\n"),
    ("queue_server", "from provisioning.server_hooks import server_broker"),
    ("edge_agent", "from queue_server.core.events import DomainEvent"),
    ("monitor", "from queue_server.core.kpis import percentile"),
    ("queue_server", "from edge_agent.core.sentiment import LABELS, Rating"),
    ("kiosk_ui", "from edge_agent.core.sentiment import Rating"),
    ("kiosk_ui", "from provisioning.sdnotify import ping_from_ui_loop"),
    ("queue_server", "import kiosk_ui.cli_kiosk"),
    ("queue_server", "import importlib\nimportlib.import_module('edge_agent.sentiment.scorer')"),
    ("firmware_configs", "from provisioning.core.imageconfig import render"),
]


@pytest.mark.parametrize(("package", "source"), PAST_CROSSINGS)
def test_checker_flags_the_crossings_found_in_issue_12(package, source, tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(source)
    assert crossings(package, [probe]) != [], f"{source!r} in {package} was not flagged"


def test_relative_imports_stay_inside_the_package():
    assert imported_packages("from . import x\nfrom .core import y\n") == set()
