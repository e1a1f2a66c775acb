"""Server-side scoring: the scorer is found by entry point (never imported from edge_agent), lazily."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from importlib.metadata import EntryPoint, EntryPoints
from pathlib import Path

import pytest

from motcua.contract.feedback import SentimentResult
from queue_server import scoring
from queue_server.scoring import SCORER_GROUP, load_scorer_factory

from .conftest import COMMENT, Site

FAKE_MODULE = """
from motcua.contract.feedback import SentimentResult

class Fake:
    def score(self, text):
        return SentimentResult("negative", 0.9, {"negative": 0.9, "neutral": 0.05, "positive": 0.05}, ())
"""


def test_installed_onnx_scorer_is_found_without_importing_the_edge_agent() -> None:
    probe = (
        "import json, sys\n"
        "import queue_server.api.feedback\n"
        "from queue_server.scoring import load_scorer_factory\n"
        "factory = load_scorer_factory()\n"
        "print(json.dumps([factory is not None, sorted(m for m in sys.modules if m.split('.')[0] == 'edge_agent')]))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    found, edge_modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert found is True  # pyproject.toml registers motcua.scorers: onnx (pip install -e . to see it)
    assert edge_modules == []


def test_no_scorer_of_that_name_means_no_factory() -> None:
    assert load_scorer_factory("no-such-scorer") is None


def test_factory_loads_its_entry_point_only_when_called(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fake_scorer_mod.py").write_text(FAKE_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fake_scorer_mod", raising=False)
    registered = EntryPoints([EntryPoint("onnx", "fake_scorer_mod:Fake", SCORER_GROUP)])
    monkeypatch.setattr(scoring, "entry_points", lambda group, name: registered.select(group=group, name=name))
    factory = load_scorer_factory()
    assert factory is not None and "fake_scorer_mod" not in sys.modules
    result = factory().score("chờ lâu quá")
    assert isinstance(result, SentimentResult) and result.label == "negative"
    assert load_scorer_factory("other") is None


def test_without_a_scorer_factory_comments_wait_for_the_agent(site: Site) -> None:
    desk = site.client.app.state.feedback
    desk.self_score, desk.self_score_after_s, desk.scorer_factory = True, 0.0, None
    fid = site.feedback({"ticket_id": site.serve("1")["id"], "rating": "satisfied", "comment": COMMENT}).json()["id"]
    desk.start()  # resuming unscored comments also needs a scorer
    assert not any(t.name == "feedback-self-scorer" for t in threading.enumerate())
    assert desk.is_scored(fid) is False
    r = site.client.post(
        f"/api/v1/feedback/{fid}/sentiment", json={"label": "positive", "score": 0.8}, headers=site.headers("admin")
    )
    assert r.status_code == 200 and desk.is_scored(fid) is True
