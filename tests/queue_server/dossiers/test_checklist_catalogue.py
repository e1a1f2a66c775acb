"""The catalogue's paper checklist: explicit keys validated, old entries derived, the shipped file consistent."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from queue_server.catalogue import load_default_catalogue
from queue_server.core.catalogue import RESULT_KIND, CatalogueError, parse_catalogue


def _raw() -> dict:
    text = resources.files("queue_server.catalogue").joinpath("procedures.json").read_text("utf-8")
    return json.loads(text)


def test_every_shipped_procedure_has_a_consistent_checklist():
    cat = load_default_catalogue()
    for p in cat.procedures:
        kinds = [d.kind for d in p.documents]
        assert len(kinds) == len(set(kinds)), p.code
        assert RESULT_KIND not in kinds
        assert all(d.presentation in ("original", "copy", "shown") and d.count >= 1 for d in p.documents)
        assert p.department_code == p.service
    shown = [d for p in cat.procedures for d in p.documents if "(xuất trình" in d.vi]
    assert shown and all(d.presentation == "shown" for d in shown)
    optional = [d for p in cat.procedures for d in p.documents if "(nếu có)" in d.vi]
    assert optional and not any(d.required for d in optional)


def test_explicit_keys_equal_the_derived_defaults_for_birth_registration():
    raw = _raw()
    plain = copy.deepcopy(raw)
    for p in plain["procedures"]:
        for d in p["documents"]:
            for key in ("kind", "required", "presentation", "count"):
                d.pop(key, None)
    explicit = parse_catalogue(raw).get_procedure("HT-KS-01")
    derived = parse_catalogue(plain).get_procedure("HT-KS-01")
    assert explicit is not None and derived is not None
    assert explicit.documents == derived.documents  # the rule reproduces what the file now says


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"presentation": "photocopy"}, "presentation"),
        ({"count": 0}, "count"),
        ({"kind": "KETQUA"}, "KETQUA"),
        ({"kind": "bad kind"}, "kind"),
        ({"required": "yes"}, "true or false"),
        ({"colour": "red"}, "unknown key"),
    ],
)
def test_bad_checklist_entries_name_the_procedure_and_key(patch, message):
    raw = _raw()
    raw["procedures"][0]["documents"][0].update(patch)
    with pytest.raises(CatalogueError, match=message) as err:
        parse_catalogue(raw)
    assert err.value.item == raw["procedures"][0]["code"]


def test_two_papers_of_one_kind_are_refused():
    raw = _raw()
    docs = raw["procedures"][0]["documents"]
    docs[1]["kind"] = docs[0]["kind"]
    with pytest.raises(CatalogueError, match="share the kind"):
        parse_catalogue(raw)
