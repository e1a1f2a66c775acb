"""Backups of a site that restore: ``motcua admin backup`` and ``motcua admin restore``.

A backup is one file, ``motcua-backup-<UTC time>.mcb``, holding a tar stream of

* ``manifest.json``: format, time, and for every member its size and SHA-256;
* ``db/<path>``: a consistent copy of every SQLite database under the data directory (the server's
  ``queue.db``, an edge agent's ``agent-outbox.db`` kept there, …), taken with SQLite's online backup API
  while the site runs (never a file copy: a copied WAL database can be torn);
* ``files/papers/…``: the digitised papers as they are stored (already sealed with the site's paper key);
* ``files/keys/…``: the site's keys (the paper key, …) except the backup key itself,

sealed with the site's **backup key** (``<data_dir>/keys/backup.key``, 32 random bytes, 0600, created by the
first backup; the technician keeps a copy apart from the site and from the backup disk: without it no backup
opens, and with it every backup does). The seal is AES-256-GCM in 1 MiB chunks, under a key derived (HKDF) for
each file from the backup key and a random file id; each chunk's associated data names the file, the chunk's
index and whether it is the last, so a changed, reordered, truncated or extended file fails to open.

Order matters for consistency: the other databases (an agent's outbox, which only ever holds events the server
has committed) are copied before ``queue.db``, and the papers after it (a paper's file is written before its row
commits, so every row in the copy has its file).

Restore verifies the whole archive (every chunk's tag, every member's hash, every database's
``integrity_check``) before it writes anything into the target, and then moves the sequence counters forward by
a gap (``SEQ_GAP``): the server's event log and an agent outbox's uplink numbers continue above anything the lost
machine may have issued after the backup, so the monitor (which stores an event once per site, epoch and seq)
neither drops a new event as a resend nor counts an old one twice (the outbox keeps its epoch: its pending
events, resent, are the same (epoch, seq) the monitor may already hold).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import struct
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from motcua.runtime.files import private_dir, write_private

__all__ = [
    "SEQ_GAP",
    "BackupError",
    "BackupResult",
    "backup",
    "find_databases",
    "load_or_create_backup_key",
    "restore",
    "verify_archive",
]

MAGIC = b"MCB1"
FORMAT = 1
CHUNK = 1 << 20
KEY_BYTES = 32
BACKUP_KEY = Path("keys") / "backup.key"
SUFFIX = ".mcb"
PREFIX = "motcua-backup-"
SQLITE_HEADER = b"SQLite format 3\x00"
# How far a restore moves the event and outbox sequences forward: more events than a site makes between two
# daily backups (a busy centre makes a few tens of thousands a day), well inside a BIGINT.
SEQ_GAP = 1_000_000
# Tables whose AUTOINCREMENT sequence a restore moves forward: (database file name, table).
GAPPED_SEQUENCES = (("queue.db", "events"), ("agent-outbox.db", "outbox"))
_SKIP_DIRS = {"backups", "tmp", "__pycache__"}


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why (English; the CLI adds Vietnamese)."""


@dataclass
class BackupResult:
    """What a backup wrote."""

    path: Path
    size: int
    databases: list[str]
    files: int
    key_created: bool
    key_path: Path
    removed: list[Path] = field(default_factory=list)
    uploaded: str = ""


# -- keys
def load_or_create_backup_key(path: Path) -> tuple[bytes, bool]:
    """The backup key at ``path`` (created 0600 when missing); the bool says it was created now."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_key(path), False
    key = AESGCM.generate_key(bit_length=256)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    _fsync_dir(path.parent)
    return key, True


def read_key(path: Path) -> bytes:
    """A backup key file: 32 bytes."""
    try:
        key = Path(path).read_bytes()
    except FileNotFoundError:
        raise BackupError(f"backup key {path} not found") from None
    if len(key) != KEY_BYTES:
        raise BackupError(f"{path}: a backup key must be {KEY_BYTES} bytes")
    return key


def _file_key(key: bytes, file_id: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=file_id, info=b"motcua-backup-v1").derive(key)
    return AESGCM(derived)


def _aad(file_id: bytes, index: int, last: bool) -> bytes:
    return MAGIC + file_id + struct.pack(">QB", index, int(last))


# -- the sealed stream
class _SealWriter(io.RawIOBase):
    """A write-only file object sealing what it is given in AES-GCM chunks onto ``out``."""

    def __init__(self, out: IO[bytes], key: bytes) -> None:
        super().__init__()
        self.out = out
        self.file_id = secrets.token_bytes(16)
        self.aead = _file_key(key, self.file_id)
        self.buffer = bytearray()
        self.index = 0
        out.write(MAGIC + self.file_id)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        nonce = struct.pack(">4xQ", self.index)  # unique: one derived key per file, one index per chunk
        sealed = self.aead.encrypt(nonce, chunk, _aad(self.file_id, self.index, last))
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.index += 1

    def finish(self) -> None:
        self._emit(bytes(self.buffer), last=True)
        self.buffer.clear()


class _OpenReader(io.RawIOBase):
    """A read-only file object opening a sealed stream; raises ``BackupError`` on any alteration."""

    def __init__(self, src: IO[bytes], key: bytes) -> None:
        super().__init__()
        self.src = src
        head = src.read(len(MAGIC) + 16)
        if len(head) != len(MAGIC) + 16 or not head.startswith(MAGIC):
            raise BackupError("not a motcua backup (bad header)")
        self.file_id = head[len(MAGIC) :]
        self.aead = _file_key(key, self.file_id)
        self.index = 0
        self.pending = b""
        self.done = False

    def readable(self) -> bool:
        return True

    def _next(self) -> None:
        size_raw = self.src.read(4)
        if len(size_raw) != 4:
            raise BackupError("the backup is truncated")
        (size,) = struct.unpack(">I", size_raw)
        if size > CHUNK + 16:
            raise BackupError("the backup is corrupt (chunk size)")
        sealed = self.src.read(size)
        if len(sealed) != size:
            raise BackupError("the backup is truncated")
        nonce = struct.pack(">4xQ", self.index)
        for last in (False, True):
            try:
                self.pending = self.aead.decrypt(nonce, sealed, _aad(self.file_id, self.index, last))
            except InvalidTag:
                continue
            self.done = last
            break
        else:
            raise BackupError("the backup failed its integrity check (altered, or another backup key)")
        self.index += 1
        if self.done and self.src.read(1):
            raise BackupError("the backup has data after its last chunk")

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.pending and not self.done:
            self._next()
        n = min(len(target), len(self.pending))
        target[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


# -- finding and copying
def find_databases(data_dir: Path) -> list[Path]:
    """Every SQLite database under ``data_dir`` (by its header), ``queue.db`` last; paths relative to it."""
    found: list[Path] = []
    for root, dirs, files in os.walk(data_dir):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(("-wal", "-shm", "-journal")) or name.startswith("."):
                continue
            path = Path(root) / name
            with contextlib.suppress(OSError), path.open("rb") as handle:
                if handle.read(16) == SQLITE_HEADER:
                    found.append(path.relative_to(data_dir))
    found.sort(key=lambda p: (p == Path("queue.db"), str(p)))
    return found


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a live database with the online backup API (WAL readers never block writers)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        src.execute("PRAGMA busy_timeout=30000")
        src.backup(dst, pages=-1)  # one step: a single read transaction, one point in time
        dst.execute("PRAGMA journal_mode=DELETE")
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"the copy of {source.name} failed integrity_check: {ok}")
    finally:
        dst.close()
        src.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _files_to_copy(data_dir: Path, backup_key: Path) -> Iterator[tuple[Path, str]]:
    """(source, member name) of the papers and keys (never the backup key, never temporary files)."""
    for folder in ("papers", "keys"):
        base = data_dir / folder
        if not base.is_dir():
            continue
        for root, dirs, files in os.walk(base):
            dirs.sort()
            for name in sorted(files):
                path = Path(root) / name
                if name.startswith(".") or path.resolve() == backup_key.resolve():
                    continue
                yield path, f"files/{path.relative_to(data_dir).as_posix()}"


# -- backup
def backup(
    data_dir: Path,
    dest: Path,
    *,
    keep: int = 7,
    key_path: Path | None = None,
    upload_url: str | None = None,
    now: datetime | None = None,
) -> BackupResult:
    """Write one verified backup of ``data_dir`` into ``dest``; keep the ``keep`` newest; optionally POST it."""
    data_dir = Path(data_dir)
    if not (data_dir / "queue.db").exists():
        raise BackupError(f"{data_dir} has no queue.db: not a site's data directory")
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    key_path = Path(key_path) if key_path is not None else data_dir / BACKUP_KEY
    key, created = load_or_create_backup_key(key_path)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    final = dest / f"{PREFIX}{stamp}{SUFFIX}"
    tmp = dest / f".{final.name}.{secrets.token_hex(4)}.part"
    databases = find_databases(data_dir)
    with tempfile.TemporaryDirectory(prefix="motcua-backup-") as scratch:
        copies: list[tuple[Path, str]] = []
        for rel in databases:
            target = Path(scratch) / f"{len(copies)}.db"
            _copy_database(data_dir / rel, target)
            copies.append((target, f"db/{rel.as_posix()}"))
        files = list(_files_to_copy(data_dir, key_path))  # after the databases: every row has its file
        members = copies + files
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "databases": [f"db/{rel.as_posix()}" for rel in databases],
            "members": {name: {"sha256": _sha256(src), "size": src.stat().st_size} for src, name in members},
        }
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                writer = _SealWriter(out, key)
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
                    for src, name in members:
                        info = tar.gettarinfo(str(src), arcname=name)
                        info.uid = info.gid = 0
                        info.uname = info.gname = ""
                        with src.open("rb") as handle:
                            tar.addfile(info, handle)
                writer.finish()
                out.flush()
                os.fsync(out.fileno())
            verify_archive(tmp, key)
            os.replace(tmp, final)
            _fsync_dir(dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    removed = _prune(dest, keep, final)
    result = BackupResult(
        path=final,
        size=final.stat().st_size,
        databases=[str(d) for d in databases],
        files=len(files),
        key_created=created,
        key_path=key_path,
        removed=removed,
    )
    if upload_url:
        result.uploaded = _upload(final, upload_url)
    return result


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def generations(dest: Path) -> list[Path]:
    """The complete backups in ``dest``, oldest first (the name sorts by time)."""
    return sorted(p for p in Path(dest).glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def _prune(dest: Path, keep: int, newest: Path) -> list[Path]:
    """Delete the oldest backups beyond ``keep`` (only ever after ``newest`` is complete and verified)."""
    existing = generations(dest)
    assert newest in existing
    removed = existing[: max(0, len(existing) - keep)]
    for old in removed:
        old.unlink(missing_ok=True)
    if removed:
        _fsync_dir(dest)
    return removed


def _upload(path: Path, url: str) -> str:
    """POST the sealed archive to the province; a short description of the answer."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        request = urllib.request.Request(
            url,
            data=handle,
            method="POST",
            headers={
                "Content-Type": "application/octet-stream",
                "Content-Length": str(size),
                "X-Motcua-Backup-Name": path.name,
                "X-Motcua-Backup-Sha256": _sha256(path),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as answer:
                return f"HTTP {answer.status}"
        except OSError as exc:
            raise BackupError(f"the upload to {url} failed: {exc}") from exc


# -- verify and restore
def _safe_name(name: str) -> str:
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or ".." in parts or parts[0] not in ("db", "files", "manifest.json"):
        raise BackupError(f"the backup holds an unexpected member {name!r}")
    return name


def _read_members(archive: Path, key: bytes, into: Path | None) -> dict[str, object]:
    """Open, check and (with ``into``) extract every member; returns the manifest. Raises ``BackupError``."""
    seen: dict[str, tuple[str, int]] = {}
    manifest: dict[str, object] | None = None
    with Path(archive).open("rb") as raw:
        reader = io.BufferedReader(_OpenReader(raw, key), buffer_size=CHUNK)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for info in tar:
                    name = _safe_name(info.name)
                    if not info.isfile():
                        raise BackupError(f"the backup holds a non-file member {name!r}")
                    handle = tar.extractfile(info)
                    assert handle is not None
                    if name == "manifest.json":
                        manifest = json.loads(handle.read())
                        continue
                    digest = hashlib.sha256()
                    out: IO[bytes] | None = None
                    if into is not None:
                        target = into / name
                        private_dir(target.parent)
                        out = target.open("wb")
                    try:
                        for block in iter(lambda h=handle: h.read(CHUNK), b""):  # type: ignore[misc]
                            digest.update(block)
                            if out is not None:
                                out.write(block)
                    finally:
                        if out is not None:
                            out.flush()
                            os.fsync(out.fileno())
                            out.close()
                    seen[name] = (digest.hexdigest(), info.size)
        except tarfile.TarError as exc:
            raise BackupError(f"the backup's archive is malformed: {exc}") from exc
    if manifest is None:
        raise BackupError("the backup has no manifest")
    listed = manifest.get("members")
    if not isinstance(listed, dict):
        raise BackupError("the backup's manifest is malformed")
    expected = {name: (str(m["sha256"]), int(m["size"])) for name, m in listed.items()}
    if expected != seen:
        bad = sorted(set(expected.items()) ^ set(seen.items()))
        raise BackupError(f"the backup's members do not match its manifest: {[b[0] for b in bad][:5]}")
    return manifest


def verify_archive(archive: Path, key: bytes) -> dict[str, object]:
    """Check a backup end to end (tags, hashes, each database's integrity_check); returns its manifest."""
    with tempfile.TemporaryDirectory(prefix="motcua-verify-") as scratch:
        manifest = _read_members(archive, key, Path(scratch))
        for name in manifest.get("databases", []):  # type: ignore[attr-defined]
            _check_database(Path(scratch) / str(name))
    return manifest


def _check_database(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} in the backup is not a database: {exc}") from exc
    finally:
        conn.close()
    if ok != "ok":
        raise BackupError(f"{path.name} in the backup failed integrity_check: {ok}")


def _move_sequences_forward(data_dir: Path, gap: int) -> dict[str, int]:
    """Move the restored event/outbox AUTOINCREMENT sequences forward by ``gap``; the new next values."""
    moved: dict[str, int] = {}
    for file_name, table in GAPPED_SEQUENCES:
        for path in sorted(data_dir.rglob(file_name)):
            conn = sqlite3.connect(str(path), isolation_level=None)
            try:
                has = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='sqlite_sequence'"
                ).fetchone()
                if has is None:
                    continue
                conn.execute("BEGIN IMMEDIATE")
                row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
                top = conn.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {table}").fetchone()[0]
                current = max(int(row[0]) if row else 0, int(top))
                if row is None:
                    conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, current + gap))
                else:
                    conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (current + gap, table))
                conn.execute("COMMIT")
                moved[f"{path.relative_to(data_dir)}:{table}"] = current + gap + 1
            finally:
                conn.close()
    return moved


def restore(
    archive: Path, data_dir: Path, *, key_path: Path, force: bool = False, gap: int = SEQ_GAP
) -> dict[str, object]:
    """Put a backup back into ``data_dir`` (empty or missing, or anything with ``force``: the old content is
    kept aside as ``<data_dir>.before-restore-<time>``). Verifies everything before the target is touched."""
    key = read_key(key_path)
    data_dir = Path(data_dir)
    if data_dir.exists() and any(data_dir.iterdir()) and not force:
        raise BackupError(f"{data_dir} is not empty (use --force to set its content aside and restore)")
    parent = data_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restoring-", dir=parent))
    try:
        os.chmod(staging, 0o700)
        extracted = staging / "x"
        manifest = _read_members(Path(archive), key, extracted)
        for name in manifest.get("databases", []):  # type: ignore[attr-defined]
            _check_database(extracted / str(name))
        site = staging / "site"
        private_dir(site)
        for src in sorted(extracted.rglob("*")):
            if src.is_file():
                rel = src.relative_to(extracted)
                target = site.joinpath(*rel.parts[1:])
                private_dir(target.parent)
                os.replace(src, target)
                os.chmod(target, 0o600)
        moved = _move_sequences_forward(site, gap)
        # The restored site goes on sealing its backups with the same key (the technician's copy stays valid).
        private_dir(site / "keys")
        write_private(site / BACKUP_KEY, key)
        aside = None
        if data_dir.exists():
            if any(data_dir.iterdir()):
                aside = data_dir.with_name(f"{data_dir.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
                os.replace(data_dir, aside)
            else:
                data_dir.rmdir()
        os.replace(site, data_dir)
        _fsync_dir(parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"manifest": manifest, "sequences": moved, "set_aside": str(aside) if aside else None}
