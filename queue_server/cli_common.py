"""Shared pieces of the server-side sub-commands: logging and argument helpers."""

from __future__ import annotations

import argparse
from pathlib import Path


def configure_logging(verbose: bool = False) -> None:
    """Logging for an entry point: one line per record, never citizen personal data."""
    from motcua.runtime.logging import configure_logging as configure

    configure(verbose=verbose, quiet=("uvicorn.access",), identifier="motcua-server")


def add_data_dir(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """The --data-dir option."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        required=required,
        default=None if required else Path("data"),
        help="directory of the site's SQLite database and broker data (default: ./data)",
    )
