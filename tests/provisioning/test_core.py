"""The pure core: codes and attempts with the clock passed in, rate limits, ACL text, configs, purity."""

from __future__ import annotations

import pkgutil
import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from motcua.runtime import ratelimit
from provisioning.core import imageconfig
from queue_server.core import provisioning_acl as acl
from queue_server.core import provisioning_codes as codes
from queue_server.core import provisioning_config as config
from queue_server.core.provisioning_roles import check_role_counter, token_role

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def test_code_text_round_trips_and_forgives_case_spaces_and_dashes():
    code = codes.new_code(random.Random(1).choice)
    assert codes.parse_code(code.text) == code
    assert codes.parse_code(code.text.lower().replace("-", " ")) == code
    assert codes.parse_code("0000-1111-IIII") is None  # 0, 1 and I are not in the alphabet


def test_code_locks_on_the_fifth_wrong_attempt_and_then_refuses_the_right_secret():
    state = codes.CodeState("ABCD", T0 + codes.CODE_TTL)
    for attempt in range(1, 6):
        verdict = codes.judge_attempt(state, False, T0)
        assert verdict.outcome == "wrong" and verdict.state.attempts == attempt
        state = verdict.state
    assert codes.code_status(state, T0) == "locked"
    assert codes.judge_attempt(state, True, T0).outcome == "locked"


def test_code_expires_after_ten_minutes_and_is_single_use():
    state = codes.CodeState("ABCD", T0 + codes.CODE_TTL)
    assert codes.judge_attempt(state, True, T0 + timedelta(minutes=10)).outcome == "expired"
    accepted = codes.judge_attempt(state, True, T0 + timedelta(minutes=9, seconds=59))
    assert accepted.outcome == "accept"
    assert codes.judge_attempt(accepted.state, True, T0).outcome == "used"


def test_secret_is_compared_to_its_hash_only():
    stored = codes.hash_secret("ABCDEFGH")
    assert codes.secret_matches("ABCDEFGH", stored) and not codes.secret_matches("ABCDEFGX", stored)
    assert not codes.secret_matches("ABCDEFGH", "")


def test_token_bucket_allows_the_burst_then_refills_at_the_rate():
    buckets = ratelimit.TokenBuckets(rate=1.0, burst=3)
    assert [buckets.take("k", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("k", 0.0) == pytest.approx(1.0)
    assert buckets.take("other", 0.0) == 0.0
    assert buckets.take("k", 1.0) == 0.0


def test_token_bucket_memory_is_bounded():
    buckets = ratelimit.TokenBuckets(rate=1.0, burst=1, max_keys=10)
    for i in range(100):
        buckets.take(f"k{i}", float(i))
    assert len(buckets._buckets) <= 10


def test_password_hash_is_mosquitto_pbkdf2_sha512():
    line = acl.hash_password("secret", b"\x00" * 12)
    assert line.startswith("$7$101$AAAAAAAAAAAAAAAA$") and len(line.split("$")[-1]) == 88


def test_acl_has_no_rule_before_the_first_user_and_never_names_another_site():
    accounts = [
        acl.MqttAccount("kiosk-1", "$7$x", "kiosk-1", "kiosk"),
        acl.MqttAccount("cd-1", "$7$x", "cd-1", "counter_display", "2"),
        acl.MqttAccount("disp-1", "$7$x", "disp-1", "display"),
        acl.MqttAccount("fb-1", "$7$x", "fb-1", "feedback", "3"),
    ]
    text = acl.render_acl("site-a", "motcua-server", accounts)
    rules = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert rules[0] == "user motcua-server"
    topics = [line.split(" ", 2)[2] for line in rules if line.startswith("topic")]
    assert all(t.startswith("motcua/site-a/") or t == "motcua/province/alerts" for t in topics)
    device_writes = [line for line in text.split("user kiosk-1")[1].splitlines() if line.startswith("topic write")]
    assert device_writes == ["topic write motcua/site-a/device/kiosk-1/status"]
    assert "topic read motcua/site-a/counter/2/state" in text
    assert "readwrite" not in text.split("user cd-1")[1]


def test_acl_and_password_file_refuse_injection():
    with pytest.raises(ValueError, match="username"):
        acl.render_passwd([("evil\nuser x", "$7$a")])
    with pytest.raises(ValueError, match="username"):
        acl.render_acl("site-a", "srv", [acl.MqttAccount("a b", "$7$", "d", "kiosk")])
    with pytest.raises(ValueError, match="no counter"):
        acl.device_rules("site-a", acl.MqttAccount("x", "$7$", "x", "counter_display"))


def test_roles_map_to_least_privilege_token_roles():
    assert token_role("counter_display") == "display"
    assert token_role("kiosk") == "kiosk"
    with pytest.raises(ValueError, match="needs a counter"):
        check_role_counter("counter_display", None)
    with pytest.raises(ValueError, match="not bound"):
        check_role_counter("kiosk", "1")


def test_config_change_bumps_the_version_and_refuses_identity_fields():
    base = {"version": 3, "role": "kiosk", **config.role_defaults("kiosk")}
    changed = config.next_config(base, {"layout": {"rotation": 90}, "language": "en"}, T0)
    assert changed["version"] == 4 and changed["layout"]["rotation"] == 90 and changed["layout"]["rows"] == 6
    with pytest.raises(ValueError, match="re-enrolment"):
        config.next_config(base, {"role": "display"}, T0)


@pytest.mark.parametrize("role", imageconfig.IMAGE_ROLES)
@pytest.mark.parametrize("platform", imageconfig.PLATFORMS)
def test_every_template_renders_for_every_role(role, platform):
    from firmware_configs import load_templates

    templates = load_templates()
    out = imageconfig.render(templates, imageconfig.ImageParams(role=role, platform=platform, rotation=270))
    # Template placeholders are lower case (${site_id}); ${MOTCUA_...} is systemd's own expansion in a unit.
    assert out and not [path for path, text in out.items() if re.search(r"\$\{[a-z_]+\}", text)]
    used = {
        p
        for r in imageconfig.IMAGE_ROLES
        for pl in imageconfig.PLATFORMS
        for p in imageconfig.files_for(r, pl, frozenset(templates))
    }
    assert used == set(templates), "a template is never rendered"


def test_image_params_refuse_unsafe_values():
    with pytest.raises(ValueError, match="device_id"):
        imageconfig.variables(imageconfig.ImageParams(role="kiosk", device_id="x; rm -rf /"))
    with pytest.raises(ValueError, match="rotation"):
        imageconfig.variables(imageconfig.ImageParams(role="kiosk", rotation=45))


def _core_modules() -> list[str]:
    device = [f"provisioning.core.{m.name}" for m in pkgutil.iter_modules([str(ROOT / "provisioning" / "core")])]
    server = [
        f"queue_server.core.{m.name}"
        for m in pkgutil.iter_modules([str(ROOT / "queue_server" / "core")])
        if m.name.startswith("provisioning_")
    ]
    assert len(server) >= 4, "the server's provisioning core modules were not found"
    return ["provisioning.core", "motcua.contract.provisioning", *device, *server]


@pytest.mark.parametrize("module", _core_modules())
def test_core_module_imports_no_io(module):
    forbidden = (
        "fastapi",
        "starlette",
        "paho",
        "sqlite3",
        "sqlite_utils",
        "zeroconf",
        "httpx",
        "cryptography",
        "uvicorn",
    )
    code = (
        f"import importlib, sys; importlib.import_module({module!r}); "
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({forbidden!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"
