"""Fixtures: an in-process site with a department token and a site.yaml naming the agency and the staff."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from site_app import Site, open_site

from queue_server.auth import create_token

SITE_YAML = """\
superior_agency: UBND tỉnh Bắc Ninh
agency: Trung tâm Phục vụ hành chính công phường Kinh Bắc
place: Bắc Ninh
head_name: Phạm Quốc Hưng
contact_phone: "0222 3 822 222"
staff:
  NV01: Nguyễn Thị Hoa
  PTP01: Lê Văn Minh
departments:
  HT: Phòng Văn hóa - Xã hội (hộ tịch)
"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    with open_site(tmp_path, Site) as opened:
        opened.tokens["department"] = create_token(opened.service.db, "department", label="PTP01", department="HT")
        yield opened
