"""The procedure catalogue shipped with the server, and a loader for a centre's own export."""

from __future__ import annotations

import functools
import json
import os
from importlib import resources
from typing import Any

from queue_server.core.catalogue import Catalogue, CatalogueError, parse_catalogue

__all__ = ["Catalogue", "CatalogueError", "load_catalogue", "load_default_catalogue", "parse_catalogue_json"]

_DEFAULT_RESOURCE = "procedures.json"


def parse_catalogue_json(text: str, *, source: str = "catalogue") -> Catalogue:
    """Decode catalogue JSON text and validate it; raise `CatalogueError` naming `source`."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    try:
        return parse_catalogue(data)
    except CatalogueError as exc:
        raise CatalogueError(f"{source}: {exc}", item=exc.item, field=exc.field) from exc


def load_catalogue(path: str | os.PathLike[str]) -> Catalogue:
    """Load and validate a catalogue JSON file (UTF-8); raise `CatalogueError` on bad content."""
    with open(path, encoding="utf-8-sig") as fh:  # -sig: exports from Windows tools often carry a BOM
        return parse_catalogue_json(fh.read(), source=os.fspath(path))


@functools.cache
def load_default_catalogue() -> Catalogue:
    """The catalogue packaged with motcua (loaded once; it is immutable)."""
    text = resources.files(__package__).joinpath(_DEFAULT_RESOURCE).read_text(encoding="utf-8")
    return parse_catalogue_json(text, source=f"{__package__}/{_DEFAULT_RESOURCE}")
