"""A new enrolment code whose 4-character id repeats a stored one is drawn again, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.core import provisioning_codes as codes
from queue_server.demo import seed_demo
from queue_server.provisioning.service import Provisioner, ProvisioningError
from queue_server.provisioning.settings import ProvisioningSettings
from queue_server.store.db import open_database


@pytest.fixture
def provisioner(tmp_path: Path) -> Iterator[Provisioner]:
    db = open_database(tmp_path)
    seed_demo(db)
    yield Provisioner(db, "site-x", tmp_path / "provisioning", ProvisioningSettings())
    db.close()


def test_a_repeated_code_id_is_drawn_again(provisioner: Provisioner, monkeypatch: pytest.MonkeyPatch) -> None:
    first = provisioner.create_code("kiosk")
    taken = codes.parse_code(first["code"])
    assert taken is not None
    draws = iter([codes.Code(taken.code_id, "X" * 8), codes.Code(taken.code_id, "Y" * 8), codes.Code("ZZZZ", "W" * 8)])
    monkeypatch.setattr(codes, "new_code", lambda _choice: next(draws))
    second = provisioner.create_code("display")
    assert second["code"].startswith("ZZZZ") and second["device_id"] != first["device_id"]


def test_a_full_code_space_is_a_clear_503(provisioner: Provisioner, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = codes.parse_code(provisioner.create_code("kiosk")["code"])
    assert taken is not None
    monkeypatch.setattr(codes, "new_code", lambda _choice: codes.Code(taken.code_id, "Q" * 8))
    with pytest.raises(ProvisioningError) as refused:
        provisioner.create_code("display")
    assert refused.value.status == 503 and refused.value.code == "code_space_full"
