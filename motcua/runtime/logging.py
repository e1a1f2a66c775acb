"""Logging of every entry point: one line per event, structured fields, never citizen personal data.

``configure_logging(verbose=..., quiet=(...))`` picks the output once per process:

- ``MOTCUA_LOG_FORMAT=json``: one JSON object per line on stderr (``ts``, ``level``, ``logger``, ``msg``,
  ``pid``, ``thread``, the record's extra fields, ``exc`` for a traceback).
- under systemd (``JOURNAL_STREAM`` names our stderr) and ``MOTCUA_LOG_FORMAT`` unset or ``journal``: the
  native journal protocol through ``systemd.journal.JournalHandler`` when python-systemd is installed, each
  extra field a journal field (``TICKET_SEQ=…``, ``LOGGER=…``, ``PRIORITY``); without it one line per record
  with a ``<N>`` syslog priority prefix (journald's ``SyslogLevelPrefix``) and ``key=value`` fields after the
  message — journald keeps the priority and the line, no timestamp is repeated.
- otherwise (a terminal, ``MOTCUA_LOG_FORMAT=text``): ``time LEVEL logger: message key=value``.

Extra fields are what a caller passes as ``logger.info("...", extra={"seq": 12})``. In every machine
format a record is exactly one line (a traceback is escaped into it). Only ids, counts and codes go into a
record: never an ID number, a name or a phone number (the test suite scans every record it produces).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

__all__ = ["JsonFormatter", "KeyValueFormatter", "configure_logging", "extra_fields", "log_format"]

FORMATS = ("text", "json", "journal")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None))) | {"message", "asctime"}
_OURS = "_motcua_handler"
# syslog priorities (RFC 5424 §6.2.1) of the logging levels
_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a caller added with ``extra=``: everything that is not a standard LogRecord attribute."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


def _scalar(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _kv(value: Any) -> str:
    text = str(value)
    if not text or any(c in text for c in ' "=\\\n'):
        return json.dumps(text, ensure_ascii=False)
    return text


def _one_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
            "thread": record.threadName,
        }
        for key, value in extra_fields(record).items():
            out.setdefault(key, _scalar(value))
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exc"] = record.exc_text
        return json.dumps(out, ensure_ascii=False)


class KeyValueFormatter(logging.Formatter):
    """``<N>message logger=… key=value`` on one line (``priority_prefix``) or ``time LEVEL logger: message k=v``."""

    def __init__(self, *, priority_prefix: bool) -> None:
        super().__init__(None if priority_prefix else TEXT_FORMAT)
        self.priority_prefix = priority_prefix

    def format(self, record: logging.LogRecord) -> str:
        fields = extra_fields(record)
        if not self.priority_prefix:
            line = super().format(record)
            return line + "".join(f" {k}={_kv(v)}" for k, v in fields.items())
        # the message with its line breaks escaped; fields quoted (JSON string escapes) when they need it
        parts = [f"<{_PRIORITY.get(record.levelno, 6)}>{_one_line(record.getMessage())}", f"logger={record.name}"]
        parts += [f"{k}={_kv(v)}" for k, v in fields.items()]
        if record.exc_info:
            parts.append(f"exc={_kv(self.formatException(record.exc_info))}")
        return " ".join(parts)


def _journal_stream_is_stderr(stream: IO[str]) -> bool:
    """True when ``JOURNAL_STREAM`` (``device:inode``) names ``stream`` (systemd.exec(5))."""
    value = os.environ.get("JOURNAL_STREAM", "")
    device, _, inode = value.partition(":")
    try:
        st = os.fstat(stream.fileno())
        return bool(value) and (st.st_dev, st.st_ino) == (int(device), int(inode))
    except (OSError, ValueError, AttributeError):
        return False


def log_format(stream: IO[str] | None = None) -> str:
    """``json``, ``journal`` or ``text``: ``MOTCUA_LOG_FORMAT`` if set, else journal under systemd, else text."""
    asked = os.environ.get("MOTCUA_LOG_FORMAT", "").strip().lower()
    if asked in FORMATS:
        return asked
    return "journal" if _journal_stream_is_stderr(stream or sys.stderr) else "text"


def _handler(kind: str, stream: IO[str], identifier: str) -> logging.Handler:
    if kind == "json":
        handler: logging.Handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter())
        return handler
    if kind == "journal":
        try:
            from systemd.journal import JournalHandler  # python3-systemd, when installed

            journal: logging.Handler = JournalHandler(SYSLOG_IDENTIFIER=identifier)
            return journal
        except ImportError:
            handler = logging.StreamHandler(stream)
            handler.setFormatter(KeyValueFormatter(priority_prefix=True))
            return handler
    handler = logging.StreamHandler(stream)
    handler.setFormatter(KeyValueFormatter(priority_prefix=False))
    return handler


def configure_logging(
    *,
    verbose: bool = False,
    level: int | str | None = None,
    quiet: Iterable[str] = (),
    identifier: str = "motcua",
    stream: IO[str] | None = None,
) -> str:
    """Configure the root logger once for an entry point; returns the format chosen.

    ``level`` (a name or number) wins over ``verbose`` (DEBUG, else INFO); ``quiet``: loggers lowered to
    WARNING (``uvicorn.access``, ``httpx``). Like ``logging.basicConfig`` it leaves a root logger that has
    handlers of someone else (a test runner's) alone, but replaces its own on a second call.
    """
    root = logging.getLogger()
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    stream = stream or sys.stderr
    kind = log_format(stream)
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(old)
    if root.handlers:
        return kind
    handler = _handler(kind, stream, identifier)
    setattr(handler, _OURS, True)
    root.addHandler(handler)
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
        if not isinstance(level, int):
            level = logging.INFO
    root.setLevel(level if isinstance(level, int) else logging.DEBUG if verbose else logging.INFO)
    return kind
