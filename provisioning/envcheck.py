"""The MOTCUA_* variables of a rendered device image, checked against the settings of each process reading them.

Each systemd unit of the image starts one process: its ``EnvironmentFile=`` files, its ``Environment=``
lines and, when ``ExecStart`` is one of the image's scripts, what that script sources and assigns make up
that process's environment; the ``motcua`` sub-command it finally runs says which settings classes read it
(``motcua.runtime.envfile.COMMAND_PREFIXES``). A variable is fine when one of those classes reads it or the
unit or script itself uses it (``${NAME}``); anything else is a variable nobody reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from motcua.runtime.envfile import (
    COMMAND_PREFIXES,
    EnvFileError,
    check_values,
    owner_of,
    parse_env,
    script_assignments,
    unit_environment,
)

__all__ = ["ImageProcess", "check_image", "image_processes"]

_UNITS = "etc/systemd/system/"
_COMMAND = re.compile(r"\bmotcua\s+([a-z]+)(\s+--mode\s+feedback)?")
_REFERENCE = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)")
_SOURCED = re.compile(r"^\s*\.\s+(\S+)\s*$", re.MULTILINE)


@dataclass
class ImageProcess:
    """One unit's process: where its variables come from and what it runs."""

    unit: str
    command: str
    sources: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    unknown_files: list[str] = field(default_factory=list)


def _file(path: str, rendered: Mapping[str, str]) -> str | None:
    """An image file by absolute path: rendered by the image, or already on this machine (an identity)."""
    relative = path.lstrip("/")
    if relative in rendered:
        return rendered[relative]
    on_disk = Path(path)
    return on_disk.read_text(encoding="utf-8") if on_disk.is_file() else None


def _command(text: str) -> str | None:
    found = _COMMAND.findall(text)
    if not found:
        return None
    name, feedback = found[-1]
    return "kiosk --mode feedback" if name == "kiosk" and feedback else name


def image_processes(rendered: Mapping[str, str]) -> list[ImageProcess]:
    """The processes the image's units start, with the variables each one is given."""
    processes = []
    for path, text in sorted(rendered.items()):
        if not (path.startswith(_UNITS) and path.endswith(".service")):
            continue
        lines = [line.strip() for line in text.splitlines()]
        execs = [line.partition("=")[2] for line in lines if line.startswith("ExecStart=")]
        executable = execs[-1].split()[0] if execs else ""
        script = rendered.get(executable.lstrip("/")) if executable.startswith("/") else None
        process = ImageProcess(unit=path, command=_command(script if script else " ".join(execs)) or "")
        process.used |= set(_REFERENCE.findall(" ".join(execs)))

        def add(values: Mapping[str, str], source: str, process: ImageProcess = process) -> None:
            process.values.update(values)
            process.origin.update(dict.fromkeys(values, source))

        for line in lines:
            if line.startswith("EnvironmentFile="):
                name = line.partition("=")[2].lstrip("-")
                content = _file(name, rendered)
                process.sources.append(name)
                if content is None:
                    process.unknown_files.append(name)
                else:
                    add(parse_env(content), name)
        add(unit_environment(text), path)
        if script is not None:
            process.used |= set(_REFERENCE.findall(script))
            for name in _SOURCED.findall(script):
                content = _file(name, rendered)
                process.sources.append(name)
                if content is None:
                    process.unknown_files.append(name)
                else:
                    add(parse_env(content), name)
            add(script_assignments(script), executable)
        processes.append(process)
    return processes


def check_image(rendered: Mapping[str, str]) -> list[str]:
    """Every fault of the image's environments, ``"unit: problem (set in FILE)"``; empty when all are read.

    A process whose files are all known (an identity already enrolled at the image's data directory, or
    none sourced) is also built from its values, so a refused value or a missing required one shows here.
    """
    problems: list[str] = []
    for process in image_processes(rendered):
        if process.command not in COMMAND_PREFIXES:
            problems.append(f"{process.unit}: runs no known motcua command ({process.command or 'none'})")
            continue
        prefixes = COMMAND_PREFIXES[process.command]
        checked: dict[str, str] = {}
        for key, value in process.values.items():
            if not key.startswith("MOTCUA_"):
                continue
            if key in process.used and owner_of(key) not in prefixes:
                continue  # read by the unit or its script, not by the app
            checked[key] = value
        try:
            if process.unknown_files:
                literal = {key: value for key, value in checked.items() if "$" not in value}
                _keys_only(literal, prefixes, process)
            else:
                check_values({k: v for k, v in checked.items() if "$" not in v}, prefixes, what=process.unit)
        except EnvFileError as exc:
            for problem in exc.problems:
                key = problem.split(" ", 1)[0].rstrip(":")
                where = process.origin.get(key)
                problems.append(f"{process.unit}: {problem}" + (f" (set in {where})" if where else ""))
    return problems


def _keys_only(values: Mapping[str, str], prefixes: tuple[str, ...], process: ImageProcess) -> None:
    """Only whether each variable is read (the values depend on files the image does not carry yet)."""
    faults = []
    for key in values:
        try:
            check_values({key: values[key]}, prefixes, what=process.unit, build=False)
        except EnvFileError as exc:
            faults += exc.problems
    if faults:
        raise EnvFileError(process.unit, faults)
