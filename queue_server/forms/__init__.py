"""Circular 03/2025/TT-VPCP forms 01–07 (receipt, supplement, refusal, apology, stop, process control,
tracking book) as A4 PDFs from a dossier's own data; layouts a site can edit (docs/forms.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from queue_server.forms.desk import FORMS, FormDesk

__all__ = ["FORMS", "FormDesk", "build_form_desk"]


def build_form_desk(dossiers: Any, settings: Any) -> FormDesk:
    """The app's form desk: layouts and ``site.yaml`` in ``<data_dir>/forms`` override the packaged ones."""
    return FormDesk(dossiers, site_dir=Path(settings.data_dir) / "forms")
