"""Environment files checked against the settings classes that read them: settings written are settings read.

Provisioning writes ``MOTCUA_*`` variables for a device (enrolment's ``app.env``, the image's ``device.env``,
the ``Environment=`` lines of its units, the session script). Each variable belongs to the settings class of
its env prefix (the longest prefix whose class has that field); a process reads only its own classes
(``COMMAND_PREFIXES``). ``check_values`` refuses a variable no class of the process reads (a typo, a key of
another app), a required key that is missing, and values the class refuses: it instantiates each class from
exactly those values, never from the process environment.

The ground floor names the deployables' settings classes by module path (as ``motcua.cli`` names their
commands) and imports one only when a check needs it.
"""

from __future__ import annotations

import difflib
import importlib
import re
import shlex
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource

from motcua.runtime.files import write_private

__all__ = [
    "COMMAND_PREFIXES",
    "ROLE_COMMAND",
    "SETTINGS",
    "EnvFileError",
    "check_values",
    "format_env",
    "known_keys",
    "owner_of",
    "parse_env",
    "script_assignments",
    "unit_environment",
    "write_checked_env",
]

# env prefix -> the settings class reading it ("module:Class").
SETTINGS: Final[dict[str, str]] = {
    "MOTCUA_": "queue_server.settings:ServerSettings",
    "MOTCUA_FEEDBACK_": "queue_server.settings:FeedbackSettings",
    "MOTCUA_PROVISION_": "queue_server.provisioning.settings:ProvisioningSettings",
    "MOTCUA_DISPLAY_": "kiosk_ui.settings:DisplaySettings",
    "MOTCUA_KIOSK_": "kiosk_ui.kiosk_settings:KioskSettings",
    "MOTCUA_TABLET_": "kiosk_ui.feedback.settings:TabletSettings",
    "MOTCUA_AGENT_": "edge_agent.settings:AgentSettings",
}
# ``motcua`` sub-command (as a unit's ExecStart or the session script runs it) -> the prefixes it reads.
# The monitor and the config agent take flags only: no MOTCUA_* variable is read by them.
COMMAND_PREFIXES: Final[dict[str, tuple[str, ...]]] = {
    "site": ("MOTCUA_", "MOTCUA_FEEDBACK_", "MOTCUA_PROVISION_"),
    "server": ("MOTCUA_", "MOTCUA_FEEDBACK_", "MOTCUA_PROVISION_"),
    "admin": ("MOTCUA_", "MOTCUA_FEEDBACK_", "MOTCUA_PROVISION_"),
    "display": ("MOTCUA_DISPLAY_",),
    "kiosk": ("MOTCUA_KIOSK_",),
    "kiosk --mode feedback": ("MOTCUA_TABLET_",),
    "agent": ("MOTCUA_AGENT_",),
    "monitor": (),
    "provision agent": (),
    "provision": (),  # the device side (update, update-recover): reads no settings class
}
# An enrolled device's role -> the command of its app (what reads its app.env).
ROLE_COMMAND: Final[dict[str, str]] = {
    "kiosk": "kiosk",
    "display": "display",
    "counter_display": "display",
    "feedback": "kiosk --mode feedback",
}
_KEY = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


class EnvFileError(ValueError):
    """An environment file that its readers would not read as written; ``problems`` lists each fault."""

    def __init__(self, what: str, problems: list[str]) -> None:
        super().__init__(f"{what}: " + "; ".join(problems))
        self.problems = problems


def _value(raw: str) -> str:
    try:
        words = shlex.split(raw, comments=True, posix=True)
    except ValueError:  # a shell command substitution continued on the next line: not a literal value
        return raw
    return " ".join(words)


def parse_env(text: str) -> dict[str, str]:
    """``KEY=VALUE`` lines (shell quoting, ``#`` comments, optional ``export``); other lines are ignored."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _KEY.match(line.strip())
        if match:
            found[match.group(1)] = _value(match.group(2))
    return found


def script_assignments(text: str) -> dict[str, str]:
    """The top-level ``MOTCUA_*=value`` assignments of a shell script (what it exports to the app)."""
    return {key: value for key, value in parse_env(text).items() if key.startswith("MOTCUA_")}


def unit_environment(text: str) -> dict[str, str]:
    """The variables of a systemd unit's ``Environment=`` lines (systemd.exec(5): space-separated, quoted)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, rest = line.strip().partition("=")
        if sep and name == "Environment":
            for word in shlex.split(rest):
                key, eq, value = word.partition("=")
                if eq:
                    found[key] = value
    return found


def settings_class(prefix: str) -> type[BaseSettings]:
    """The settings class of ``prefix`` (imported now)."""
    module, _, name = SETTINGS[prefix].partition(":")
    cls: type[BaseSettings] = getattr(importlib.import_module(module), name)
    return cls


def known_keys(prefix: str) -> frozenset[str]:
    """Every variable the class of ``prefix`` reads."""
    return frozenset(f"{prefix}{name}".upper() for name in settings_class(prefix).model_fields)


def owner_of(key: str) -> str | None:
    """The prefix whose class reads ``key`` (longest prefix first), or None when no class reads it."""
    for prefix in sorted(SETTINGS, key=len, reverse=True):
        if key.startswith(prefix) and key in known_keys(prefix):
            return prefix
    return None


def _class_name(prefix: str) -> str:
    return SETTINGS[prefix].partition(":")[2]


def _suggest(key: str, prefixes: Iterable[str]) -> str:
    candidates = sorted(set().union(*(known_keys(p) for p in prefixes))) if prefixes else []
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""


def _isolated(cls: type[BaseSettings], values: Mapping[str, str]) -> type[BaseSettings]:
    """``cls`` reading only ``values`` as its environment (no process environment, no dotenv, no secrets)."""
    lowered = {key.lower(): value for key, value in values.items()}

    class _Values(EnvSettingsSource):
        def _load_env_vars(self) -> Mapping[str, str | None]:
            return lowered

    def sources(
        _cls: type[BaseSettings],
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, _Values(settings_cls))

    return type(cls.__name__, (cls,), {"settings_customise_sources": classmethod(sources)})


def _is_path_field(cls: type[BaseSettings], key: str, prefix: str) -> bool:
    field = cls.model_fields.get(key[len(prefix) :].lower())
    return field is not None and "Path" in str(field.annotation)


def check_values(
    values: Mapping[str, str],
    prefixes: Iterable[str],
    *,
    what: str = "environment",
    required: Iterable[str] = (),
    root: Path | None = None,
    build: bool = True,
) -> dict[str, BaseSettings]:
    """The settings each class of ``prefixes`` builds from exactly ``values``; EnvFileError lists every fault.

    Variables not starting with ``MOTCUA_`` are not ours and are passed over. ``root``: absolute paths of
    path settings are looked up under this directory (an image built for another machine's file system).
    ``build=False`` checks only which class reads each variable (values depending on files not at hand).
    """
    allowed = tuple(prefixes)
    problems: list[str] = []
    per_prefix: dict[str, dict[str, str]] = {prefix: {} for prefix in allowed}
    for key, value in values.items():
        if not key.startswith("MOTCUA_"):
            continue
        owner = owner_of(key)
        if owner is None:
            hint = _suggest(key, allowed) or _suggest(key, SETTINGS)
            problems.append(f"{key} is read by no settings class{hint}")
        elif owner not in allowed:
            readers = ", ".join(_class_name(p) for p in allowed) or "no settings class"
            problems.append(f"{key} belongs to {_class_name(owner)}, but this process reads {readers}")
        else:
            rooted = root is not None and value.startswith("/") and _is_path_field(settings_class(owner), key, owner)
            per_prefix[owner][key] = str(root / value.lstrip("/")) if rooted and root is not None else value
    problems += [f"{key} is missing" for key in required if not values.get(key)]
    built: dict[str, BaseSettings] = {}
    if not build:
        allowed = ()
    # The sections (longer prefixes) first: the server's class takes them as its nested settings.
    for prefix in sorted(allowed, key=len, reverse=True):
        cls = settings_class(prefix)
        nested: dict[str, Any] = {
            name: built[p]
            for name, field in cls.model_fields.items()
            for p in built
            if field.annotation is type(built[p]).__mro__[1]
        }
        try:
            built[prefix] = _isolated(cls, per_prefix[prefix])(**nested)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                key = f"{prefix}{where}".upper() if where else _class_name(prefix)
                problems.append(f"{key}: {error['msg']}")
        except ValueError as exc:
            problems.append(f"{_class_name(prefix)}: {exc}")
    if problems:
        raise EnvFileError(what, problems)
    return built


def format_env(values: Mapping[str, str]) -> str:
    """``KEY=value`` lines, shell-quoted (sourced by sh, read by systemd's EnvironmentFile=); empty values left out."""
    return "".join(f"{key}={shlex.quote(value)}\n" for key, value in values.items() if value)


def write_checked_env(
    path: Path,
    values: Mapping[str, str],
    prefixes: Iterable[str],
    *,
    required: Iterable[str] = (),
) -> str:
    """Check ``values`` (``check_values``), then write them to ``path`` (0600); EnvFileError writes nothing."""
    kept = {key: value for key, value in values.items() if value}
    check_values(kept, prefixes, what=str(path), required=required)
    text = format_env(kept)
    write_private(path, text)
    return text
