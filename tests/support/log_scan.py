"""Scan every log the test suite produces for citizen personal data; fail the session on a hit.

``tests/conftest.py`` installs ``COLLECTOR`` on the root logger for the whole run (``install``) and calls
``finish(session)`` at the end, which also reads every ``*.log`` file that real server, agent, monitor and
display subprocesses wrote under pytest's temporary directory. A hit is a 12-digit CCCD number, a 9-digit
CMND number, a Vietnamese phone number, or one of the citizen names the tests use (collected from the
tests' own sources, e.g. ``CCCD_NAME`` in tests/kiosk_ui/kiosk/conftest.py), with or without diacritics.
The session then fails with each offending line.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
MAX_LINE = 300

# Digits not glued to letters, digits, a decimal point, "-" or "_": a hash, a UUID or a float does not match.
_EDGE_L = r"(?<![0-9A-Za-z._-])"
_EDGE_R = r"(?![0-9A-Za-z_-]|\.\d)"
ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "CCCD number (12 digits)": re.compile(_EDGE_L + r"\d{12}" + _EDGE_R),
    "CMND number (9 digits)": re.compile(_EDGE_L + r"\d{9}" + _EDGE_R),
    # mobiles 0[35789]x xxx xxxx, landlines 02xx xxx xxxx, +84 forms; spaces, dots or dashes between groups
    "phone number": re.compile(r"(?<![0-9A-Za-z.+])(?:\+84[ .-]?|0)[235789]\d(?:[ .-]?\d){7,8}" + _EDGE_R),
}
SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Trịnh", "Đào", "Mai",
)  # fmt: skip
NOT_NAMES = frozenset({"ho chi minh"})
_UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_NAME = re.compile(rf"\b(?:{'|'.join(SURNAMES)})(?: [{_UPPER}][^\W\d_]+){{1,3}}")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ→d: a name matches with or without its marks."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@cache
def citizen_names(root: Path = TESTS) -> tuple[str, ...]:
    """Vietnamese full names written in the tests' sources (the citizens they enter), folded."""
    found: set[str] = set()
    for path in root.rglob("*.py"):
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8", errors="replace"))
        found.update(fold(m.group(0)) for m in _NAME.finditer(text))
    # a city, and "Nguyễn Văn" cut from "Nguyễn Văn A": not anyone's name
    found = {n for n in found if n not in NOT_NAMES and not (n.count(" ") == 1 and n.split()[1] in ("van", "thi"))}
    return tuple(sorted(found))


@cache
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")


def findings(line: str, names: tuple[str, ...] | None = None) -> list[str]:
    """What personal data ``line`` holds (empty: none)."""
    hits = [f"{what} {m.group(0)!r}" for what, pattern in ID_PATTERNS.items() for m in pattern.finditer(line)]
    pattern = _names_pattern(citizen_names() if names is None else names)
    if pattern is not None:
        hits += [f"citizen name {m.group(0)!r}" for m in pattern.finditer(fold(line))]
    return hits


def record_text(record: logging.LogRecord) -> str:
    """Everything of a record that reaches a log: message, extra fields, traceback."""
    try:
        text = record.getMessage()
    except Exception:  # a bad format string: scan its parts
        text = f"{record.msg} {record.args}"
    from motcua.runtime.logging import extra_fields

    extras = extra_fields(record)
    if extras:
        text += " " + " ".join(f"{k}={v}" for k, v in extras.items())
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        text += " " + record.exc_text
    return text


@dataclass
class Offence:
    where: str
    what: list[str]
    line: str

    def __str__(self) -> str:
        return f"{self.where}: {', '.join(self.what)}\n    {self.line[:MAX_LINE]}"


class LogScan(logging.Handler):
    """A handler that checks every record as it is emitted and keeps the offending ones."""

    def __init__(self, names: tuple[str, ...] | None = None) -> None:
        super().__init__(logging.NOTSET)
        self.names = names  # None: the names of the tests' sources
        self.offences: list[Offence] = []
        self.records = 0
        self._found_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        text = record_text(record)
        hits = findings(text, self.names)
        with self._found_lock:
            self.records += 1
            if hits:
                self.offences.append(Offence(f"log record of {record.name}", hits, text))

    def scan_files(self, paths: Iterable[Path]) -> int:
        """Check each line of these files; returns how many lines were read."""
        lines = 0
        for path in paths:
            try:
                content = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for number, line in enumerate(content.splitlines(), 1):
                lines += 1
                hits = findings(line, self.names)
                if hits:
                    self.offences.append(Offence(f"{path}:{number}", hits, line))
        return lines

    def report(self) -> str:
        """The failure text ("" when nothing was found)."""
        if not self.offences:
            return ""
        shown = "\n".join(str(o) for o in self.offences[:20])
        more = f"\n… and {len(self.offences) - 20} more" if len(self.offences) > 20 else ""
        return f"personal data in the logs of this test run ({len(self.offences)} line(s)):\n{shown}{more}"


COLLECTOR = LogScan()


def install() -> None:
    """Put the collector on the root logger: every record emitted in this process reaches it.

    Levels are left as the run has them (WARNING at the root unless a test lowers a logger): lowering them
    for the scan would change what other tests' ``caplog`` sees. The INFO lines a deployed server writes are
    covered by the subprocesses' log files, which run at INFO.
    """
    root = logging.getLogger()
    if COLLECTOR not in root.handlers:
        root.addHandler(COLLECTOR)


def subprocess_logs(base: Path) -> list[Path]:
    """The log files the subprocesses of this run wrote under pytest's base temporary directory."""
    return sorted(p for p in base.rglob("*.log") if p.is_file())


def finish(session: object) -> str:
    """Scan the subprocess logs, print the offences and fail the session if there are any; the report."""
    config = getattr(session, "config", None)
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None:
        try:
            base = factory.getbasetemp()
        except (OSError, ValueError):
            base = None
        if base is not None:
            COLLECTOR.scan_files(subprocess_logs(Path(base)))
    text = COLLECTOR.report()
    if text:
        print("\n" + text)
        session.exitstatus = 1  # type: ignore[attr-defined]
    return text
