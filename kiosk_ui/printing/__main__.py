"""``python -m kiosk_ui.printing preview DIR`` renders sample slips; ``test-print URL`` prints one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk_ui.printing.printer import PrinterUnavailable, print_slip
from kiosk_ui.printing.render import render_slip_png
from kiosk_ui.printing.samples import sample_slip


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m kiosk_ui.printing", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    preview = sub.add_parser("preview", help="write slip-vi.png, slip-en.png, slip-priority-vi.png")
    preview.add_argument("directory", type=Path)
    test = sub.add_parser("test-print", help="print a sample slip on usb:VID:PID, tcp://HOST:PORT, file:/PATH")
    test.add_argument("url")
    test.add_argument("--lang", choices=("vi", "en"), default="vi")
    args = parser.parse_args(argv)
    if args.command == "preview":
        for name, slip in (
            ("slip-vi.png", sample_slip("vi")),
            ("slip-en.png", sample_slip("en")),
            ("slip-priority-vi.png", sample_slip("vi", priority=True)),
        ):
            print(render_slip_png(slip, args.directory / name))
        return 0
    try:
        print_slip(sample_slip(args.lang), args.url)
    except PrinterUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
