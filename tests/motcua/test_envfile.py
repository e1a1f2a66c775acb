"""motcua.runtime.envfile: the three ways provisioning writes variables, parsed as sh and systemd read them."""

from __future__ import annotations

import subprocess

import pytest

from motcua.runtime.envfile import (
    EnvFileError,
    check_values,
    format_env,
    owner_of,
    parse_env,
    script_assignments,
    unit_environment,
)


def test_env_file_values_read_back_as_sh_reads_them():
    values = {"MOTCUA_DISPLAY_NOTICE": "Giờ làm việc: 7h30–17h; thứ Bảy 'nghỉ'", "MOTCUA_DISPLAY_SITE": "bn-01"}
    text = format_env(values)
    assert parse_env(text) == values
    shell = subprocess.run(
        ["sh", "-c", "set -a; . /dev/stdin; set +a; printf %s \"$MOTCUA_DISPLAY_NOTICE\""],
        input=text, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert shell.stdout == values["MOTCUA_DISPLAY_NOTICE"]


def test_comments_export_and_unit_environment_lines():
    assert parse_env("# c\nexport MOTCUA_KIOSK_LANG=en  # why\n\nnot a line\n") == {"MOTCUA_KIOSK_LANG": "en"}
    unit = '[Service]\nEnvironment=A=1 "MOTCUA_DATA_DIR=/var/lib/m c"\nEnvironment=MOTCUA_PORT=8001\n'
    assert unit_environment(unit) == {"A": "1", "MOTCUA_DATA_DIR": "/var/lib/m c", "MOTCUA_PORT": "8001"}
    script = 'set -eu\nMOTCUA_AGENT_SITE_ID="${MOTCUA_DISPLAY_SITE:-x}"\nOTHER=1\nexec motcua agent\n'
    assert script_assignments(script) == {"MOTCUA_AGENT_SITE_ID": "${MOTCUA_DISPLAY_SITE:-x}"}


def test_each_key_belongs_to_the_class_with_the_longest_prefix_that_reads_it():
    assert owner_of("MOTCUA_FEEDBACK_WINDOW_HOURS") == "MOTCUA_FEEDBACK_"
    assert owner_of("MOTCUA_SITE_ID") == "MOTCUA_"
    assert owner_of("MOTCUA_KIOSK_LANG") == "MOTCUA_KIOSK_"
    assert owner_of("MOTCUA_KIOSK_LANGUAGE") is None


def test_values_are_checked_from_the_file_not_from_the_process_environment(monkeypatch):
    monkeypatch.setenv("MOTCUA_KIOSK_TOKEN", "from-the-environment")
    with pytest.raises(EnvFileError, match="a device token is required"):
        check_values({"MOTCUA_KIOSK_LANG": "vi"}, ["MOTCUA_KIOSK_"])
