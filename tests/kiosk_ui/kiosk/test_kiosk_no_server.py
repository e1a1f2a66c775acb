"""A kiosk whose server stops answering says so on screen, naming its site, and takes it back when it returns.

The real kiosk app offscreen (Kivy, child process) against a real queue server subprocess that the test stops
and starts again on the same port and data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from site_process import SiteServer, create_token, seed_demo

from .conftest import Kiosk

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[tuple[SiteServer, str]]:
    """A queue server of this test only (it is stopped mid-test), with a kiosk token."""
    data = tmp_path / "server"
    seed_demo(data)
    token = create_token(data, "kiosk")
    with SiteServer(data, log=data / "server.log") as server:
        yield server, token


def test_a_kiosk_that_hears_nothing_from_its_server_says_so_naming_the_site(
    own_server: tuple[SiteServer, str], tmp_path: Path, shots: Path
) -> None:
    server, token = own_server
    settings: dict[str, Any] = {
        "environment": "development", "server_url": server.base, "token": token, "voice": "off",
        "printer": "dummy:", "catalogue_cache": str(tmp_path / "k" / "catalogue.json"),
        "state_dir": str(tmp_path / "k" / "state"), "windowed": True, "request_retries": 0,
        "request_timeout_s": 2, "site": "bn-tp-01", "server_probe_s": 0.5, "server_silence_s": 3,
    }  # fmt: skip
    kiosk = Kiosk(settings, tmp_path / "k")
    try:
        state = kiosk.wait_for(lambda s: s["procedures"] > 0 and s["online"], 60)
        assert state["banner"] == ""
        server.stop()
        state = kiosk.wait_for(lambda s: not s["online"], 30)
        assert state["banner"].startswith("Không kết nối được máy chủ điểm bn-tp-01"), state["banner"]
        kiosk.shot("26-no-server-vi", shots)
        state = kiosk.tap("lang_en")
        assert state["banner"].startswith("No connection to the server of site bn-tp-01"), state["banner"]
        server.start()
        state = kiosk.wait_for(lambda s: s["online"], 30)
        assert state["banner"] == ""
    finally:
        kiosk.stop()
