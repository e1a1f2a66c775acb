"""Fixtures: the in-process site with a department token, helpers to bring a dossier to the desk."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from site_app import Site, open_site

from queue_server.auth import create_token

# HT-KS-01 (birth registration, on the spot): the required, non-shown papers are TOKHAI and CHUNGSINH,
# CCCD is required and shown; KETHON and UYQUYEN are optional.
BIRTH = "HT-KS-01"
BIRTH_FORM = {
    "child_full_name": "Nguyễn Văn An",
    "child_date_of_birth": "2026-11-01",
    "child_sex": "nam",
    "child_place_of_birth": "Bệnh viện Đa khoa tỉnh Bắc Ninh",
    "mother_full_name": "Trần Thị Bình",
    "declarant_full_name": "Trần Thị Bình",
    "declarant_id_number": "027190001234",
    "declarant_relationship": "me",
    "child_ethnicity": "Kinh",
    "child_nationality": "Việt Nam",
    "declarant_address": "Số 1 Lý Thái Tổ, Bắc Ninh",
    "phone": "0912345678",
}


class DossierSite(Site):
    def dossier_headers(self, role: str = "counter1", key: str | None = None) -> dict[str, str]:
        return self.headers(role, key)

    def serve(self, counter: str = "1", service: str = "HT") -> dict[str, Any]:
        """Issue a ticket; ``counter`` (signed in as NV0<counter>) calls and starts serving it."""
        ticket = self.issue(service)
        self.act(counter, "sign-in", staff_id=f"NV0{counter}")
        r = self.act(counter, "next")
        assert r.status_code == 200, r.text
        assert self.act(counter, "start").status_code == 200
        return ticket

    def kiosk_dossier(
        self, ticket_id: str | None, procedure: str = BIRTH, data: dict[str, str] | None = None
    ) -> dict[str, Any]:
        r = self.client.post(
            "/api/v1/dossiers",
            json={
                "procedure_code": procedure,
                "ticket_id": ticket_id,
                "data": data if data is not None else BIRTH_FORM,
            },
            headers=self.headers("kiosk", uuid.uuid4().hex),
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    def tick(self, dossier_id: str, *kinds: str, role: str = "counter1") -> dict[str, Any]:
        r = self.client.put(
            f"/api/v1/dossiers/{dossier_id}/checklist",
            json={"items": {k: {"received": True} for k in kinds}},
            headers=self.headers(role),
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    def receive(self, dossier_id: str, key: str | None = None, role: str = "counter1") -> Any:
        return self.client.post(
            f"/api/v1/dossiers/{dossier_id}/receive", headers=self.headers(role, key or uuid.uuid4().hex)
        )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[DossierSite]:
    with open_site(tmp_path, DossierSite) as opened:
        opened.tokens["department"] = create_token(opened.service.db, "department", label="PTP01", department="HT")
        opened.tokens["department_other"] = create_token(opened.service.db, "department", label="X", department="DD")
        yield opened
