"""Digitised papers of dossiers, encrypted at rest and content-addressed.

Each paper is stored as files under ``<data_dir>/papers/ab/<sha256>.<part>`` where ``sha256`` is the hash of
the plaintext PDF; every part (the PDF, its OCR text, each page thumbnail) is sealed with AES-256-GCM under the
site key (``<data_dir>/keys/papers.key``, 32 random bytes, mode 0600, created at first start), with the hash
and the part's name as associated data: a file moved, swapped or altered fails to open, and the decrypted
PDF is hashed again on every read. The same bytes twice in one dossier are one paper (one row). Papers are
personal data: they never reach a kiosk, a log line or MQTT.

The capture pipeline's output plugs in as ``store.store_paper(dossier_id, kind, pdf, text, thumbnails)``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from motcua.runtime.files import private_dir
from queue_server.core.errors import DomainError, NotFound
from queue_server.store.db import Database

__all__ = ["MAGIC", "PaperCorrupt", "PaperRecord", "PaperStore", "load_or_create_key"]

MAGIC = b"MCP1"  # file format: MAGIC, 12-byte nonce, ciphertext+tag
KEY_BYTES = 32


class PaperCorrupt(DomainError):
    """A stored paper failed its integrity check (altered on disk, or another key)."""

    status = 409


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """One paper of a dossier: what the database knows of it (never its content)."""

    id: str
    dossier_id: str
    kind: str
    sha256: str
    pages: int
    size: int
    content_type: str
    created_at: str
    thumbnails: int = 0
    text_chars: int = 0
    is_result: bool = False
    stored_path: str = ""
    duplicate: bool = False

    def public(self) -> dict[str, object]:
        """The record as the API shows it (no path on disk)."""
        out = asdict(self)
        out.pop("stored_path")
        out.pop("text_chars")
        return out


def load_or_create_key(path: Path) -> bytes:
    """The site's paper key; created (0600, in a 0700 folder) when it does not exist yet."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes()
        if len(key) != KEY_BYTES:
            raise RuntimeError(f"{path}: a paper key must be {KEY_BYTES} bytes") from None
        return key
    key = AESGCM.generate_key(bit_length=256)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def _row_record(row: dict[str, object], duplicate: bool = False) -> PaperRecord:
    return PaperRecord(
        id=str(row["id"]),
        dossier_id=str(row["dossier_id"]),
        kind=str(row["kind"]),
        sha256=str(row["sha256"]),
        pages=int(str(row["pages"])),
        size=int(str(row["size"])),
        content_type=str(row["content_type"]),
        created_at=str(row["created_at"]),
        thumbnails=int(str(row["thumbnails"])),
        text_chars=int(str(row["text_chars"])),
        is_result=bool(row["is_result"]),
        stored_path=str(row["stored_path"]),
        duplicate=duplicate,
    )


class PaperStore:
    """Encrypted, content-addressed paper files plus their rows in the ``papers`` table."""

    def __init__(self, data_dir: Path, db: Database, clock: Callable[[], datetime]) -> None:
        self.root = private_dir(Path(data_dir) / "papers")
        self.key = load_or_create_key(Path(data_dir) / "keys" / "papers.key")
        self._aead = AESGCM(self.key)
        self.db = db
        self.clock = clock

    # -- files
    def _path(self, sha: str, part: str) -> Path:
        return self.root / sha[:2] / f"{sha}.{part}"

    def _seal(self, sha: str, part: str, plaintext: bytes) -> None:
        path = self._path(sha, part)
        if path.exists():
            return  # content-addressed: the same plaintext is already there
        private_dir(path.parent)
        nonce = secrets.token_bytes(12)
        sealed = MAGIC + nonce + self._aead.encrypt(nonce, plaintext, f"motcua-paper:{sha}:{part}".encode())
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(sealed)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself is durable before the row that names the file commits
        finally:
            os.close(dir_fd)

    def _open(self, sha: str, part: str) -> bytes:
        path = self._path(sha, part)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise PaperCorrupt(
                "paper_missing", "Tệp giấy tờ đã lưu bị mất.", "The stored file of this paper is missing."
            ) from None
        if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 12 + 16:
            raise self._corrupt()
        nonce, body = raw[len(MAGIC) : len(MAGIC) + 12], raw[len(MAGIC) + 12 :]
        try:
            return self._aead.decrypt(nonce, body, f"motcua-paper:{sha}:{part}".encode())
        except InvalidTag:
            raise self._corrupt() from None

    @staticmethod
    def _corrupt() -> PaperCorrupt:
        return PaperCorrupt(
            "paper_corrupt",
            "Giấy tờ đã lưu không còn nguyên vẹn (bị sửa đổi hoặc sai khóa); không thể mở.",
            "The stored paper failed its integrity check (altered, or another key); it cannot be opened.",
        )

    # -- records
    def store_paper(
        self,
        dossier_id: str,
        kind: str,
        pdf_bytes: bytes,
        text: str = "",
        thumbnails: Sequence[bytes] = (),
        *,
        pages: int | None = None,
        content_type: str = "application/pdf",
        is_result: bool = False,
        source_sha256: str | None = None,
        on_insert: Callable[[sqlite3.Connection, PaperRecord], None] | None = None,
    ) -> PaperRecord:
        """Store one paper of a dossier; the same bytes already in it return that paper (``duplicate``).

        The files are written and synced before the row commits, so a crash leaves at worst an unreferenced
        file, never a row without its content. ``on_insert`` runs in the row's transaction (events, ticks).
        """
        if not pdf_bytes:
            raise DomainError("empty_paper", "Tệp rỗng.", "The file is empty.", status=422)
        sha = hashlib.sha256(pdf_bytes).hexdigest()
        existing = self.db.query("SELECT * FROM papers WHERE dossier_id = ? AND sha256 = ?", (dossier_id, sha))
        if existing:
            return _row_record(dict(existing[0]), duplicate=True)
        self._seal(sha, "pdf", pdf_bytes)
        self._seal(sha, "txt", text.encode("utf-8"))
        for n, thumb in enumerate(thumbnails):
            self._seal(sha, f"t{n}", thumb)
        record = PaperRecord(
            id=secrets.token_urlsafe(12),
            dossier_id=dossier_id,
            kind=kind,
            sha256=sha,
            pages=pages if pages is not None else max(1, len(thumbnails)),
            size=len(pdf_bytes),
            content_type=content_type,
            created_at=self.clock().isoformat(),
            thumbnails=len(thumbnails),
            text_chars=len(text),
            is_result=is_result,
            stored_path=str(self._path(sha, "pdf").relative_to(self.root)),
        )
        with self.db.transaction() as conn:
            again = conn.execute(
                "SELECT id FROM papers WHERE dossier_id = ? AND sha256 = ?", (dossier_id, sha)
            ).fetchone()
            if again is not None:  # a concurrent upload of the same bytes won
                row = self.db.query("SELECT * FROM papers WHERE id = ?", (again[0],))[0]
                return _row_record(dict(row), duplicate=True)
            conn.execute(
                "INSERT INTO papers (id, dossier_id, kind, sha256, pages, size, content_type, thumbnails,"
                " text_chars, stored_path, is_result, created_at, source_sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    dossier_id,
                    kind,
                    sha,
                    record.pages,
                    record.size,
                    content_type,
                    record.thumbnails,
                    record.text_chars,
                    record.stored_path,
                    int(is_result),
                    record.created_at,
                    source_sha256,
                ),
            )
            if on_insert is not None:
                on_insert(conn, record)
        return record

    def find_source(self, dossier_id: str, source_sha256: str) -> PaperRecord | None:
        """The paper of this dossier made from the same uploaded bytes, if any (a re-upload is one paper)."""
        rows = self.db.query(
            "SELECT * FROM papers WHERE dossier_id = ? AND (source_sha256 = ? OR sha256 = ?)",
            (dossier_id, source_sha256, source_sha256),
        )
        return _row_record(dict(rows[0]), duplicate=True) if rows else None

    def record(self, paper_id: str) -> PaperRecord:
        """The record of a paper; 404 when unknown."""
        rows = self.db.query("SELECT * FROM papers WHERE id = ?", (paper_id,))
        if not rows:
            raise NotFound("unknown_paper", "Không tìm thấy giấy tờ.", "Paper not found.")
        return _row_record(dict(rows[0]))

    def papers_of(self, dossier_id: str) -> list[PaperRecord]:
        """The papers of a dossier, oldest first."""
        rows = self.db.query("SELECT * FROM papers WHERE dossier_id = ? ORDER BY created_at, id", (dossier_id,))
        return [_row_record(dict(r)) for r in rows]

    def read_paper(self, paper_id: str) -> bytes:
        """The paper's bytes, decrypted and checked against its SHA-256."""
        record = self.record(paper_id)
        data = self._open(record.sha256, "pdf")
        if hashlib.sha256(data).hexdigest() != record.sha256:
            raise self._corrupt()
        return data

    def read_text(self, paper_id: str) -> str:
        """The OCR text layer of a paper."""
        record = self.record(paper_id)
        return self._open(record.sha256, "txt").decode("utf-8")

    def read_thumbnail(self, paper_id: str, index: int) -> bytes:
        """Page ``index`` (0-based) thumbnail of a paper."""
        record = self.record(paper_id)
        if not 0 <= index < record.thumbnails:
            raise NotFound("unknown_thumbnail", "Không có ảnh trang này.", "No thumbnail for that page.")
        return self._open(record.sha256, f"t{index}")

    def delete_papers(self, conn: sqlite3.Connection, dossier_id: str) -> int:
        """Delete a dossier's paper rows (in the caller's transaction) and the files no other row uses."""
        rows = conn.execute("SELECT sha256 FROM papers WHERE dossier_id = ?", (dossier_id,)).fetchall()
        conn.execute("DELETE FROM papers WHERE dossier_id = ?", (dossier_id,))
        for (sha,) in rows:
            still = conn.execute("SELECT 1 FROM papers WHERE sha256 = ? LIMIT 1", (sha,)).fetchone()
            if still is None:
                for path in self._path(sha, "pdf").parent.glob(f"{sha}.*"):
                    path.unlink(missing_ok=True)
        return len(rows)
