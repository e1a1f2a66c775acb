"""``motcua admin backup`` and ``motcua admin restore`` (the logic is in queue_server/backup.py)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from queue_server.cli_common import add_data_dir

UPLOAD_ENV = "MOTCUA_BACKUP_UPLOAD_URL"


def configure_backup(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the backup and restore sub-commands to ``motcua admin``."""
    make = sub.add_parser(
        "backup",
        help="a consistent, encrypted copy of the site's databases, papers and keys into a directory (USB disk)",
    )
    add_data_dir(make, required=True)
    make.add_argument("--to", type=Path, required=True, help="directory the backup goes to, e.g. /media/usb/motcua")
    make.add_argument("--keep", type=int, default=7, help="how many backups to keep there (default 7)")
    make.add_argument(
        "--key", type=Path, default=None, help="the backup key file (default DATA_DIR/keys/backup.key, made if missing)"
    )
    make.add_argument(
        "--upload-url",
        default=os.environ.get(UPLOAD_ENV) or None,
        help=f"also POST the encrypted backup to this province URL (default ${UPLOAD_ENV}; none: not uploaded)",
    )
    back = sub.add_parser("restore", help="put a backup back into a new (empty) data directory")
    back.add_argument("--from", dest="archive", type=Path, required=True, help="the backup file (.mcb)")
    back.add_argument("--data-dir", type=Path, required=True, help="the data directory to restore into")
    back.add_argument("--key", type=Path, required=True, help="the site's backup key file (kept apart from the site)")
    back.add_argument(
        "--force", action="store_true", help="restore into a non-empty directory (its content is set aside)"
    )


def run_backup(args: argparse.Namespace) -> int:
    """Run ``backup`` or ``restore``; 0 done, 1 failed (the reason in Vietnamese and English on stderr)."""
    from queue_server.backup import BackupError, backup, restore

    try:
        if args.admin_command == "backup":
            result = backup(args.data_dir, args.to, keep=args.keep, key_path=args.key, upload_url=args.upload_url)
            print(f"backup\t{result.path}\t{result.size} bytes")
            print(f"databases\t{', '.join(result.databases)}")
            print(f"files\t{result.files} (papers and keys)")
            for old in result.removed:
                print(f"removed\t{old}")
            if result.uploaded:
                print(f"uploaded\t{args.upload_url}\t{result.uploaded}")
            else:
                print(
                    f"uploaded\tno (không gửi lên tỉnh: chưa đặt --upload-url / ${UPLOAD_ENV}; "
                    "not sent to the province: no upload URL set)"
                )
            if result.key_created:
                print(
                    f"KEY\t{result.key_path} vừa được tạo. Hãy chép khóa này sang nơi cất giữ riêng (không để cùng "
                    "ổ USB sao lưu): mất khóa thì không khôi phục được bản sao lưu nào.\n"
                    f"KEY\t{result.key_path} was just created. Copy it to a safe place apart from the site and from "
                    "the backup disk: without it no backup can be restored."
                )
            else:
                print(f"key\t{result.key_path} (keep a copy apart from the backup disk)")
            return 0
        outcome = restore(args.archive, args.data_dir, key_path=args.key, force=args.force)
        print(f"restored\t{args.archive}\t->\t{args.data_dir}")
        for name, nxt in dict(outcome["sequences"]).items():  # type: ignore[call-overload]
            print(f"sequence\t{name}\tcontinues at {nxt}")
        if outcome["set_aside"]:
            print(f"set aside\t{outcome['set_aside']}")
        return 0
    except BackupError as exc:
        verb = "sao lưu" if args.admin_command == "backup" else "khôi phục"
        print(f"motcua admin {args.admin_command}: không {verb} được / failed: {exc}", file=sys.stderr)
        return 1
