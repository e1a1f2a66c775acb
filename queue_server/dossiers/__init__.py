"""Dossiers: prepared at a kiosk or at the desk, received, followed to the result (``DossierDesk``).

``desk`` holds the use cases, ``rows`` the row mapping, ``calendar`` the site's work calendar; the pure
state machine is ``queue_server.core.dossier`` and the encrypted paper store ``queue_server.papers``.
"""

from __future__ import annotations

from typing import Any

from queue_server.dossiers.desk import RECEIPT_ALPHABET, Actor, DossierDesk, new_receipt_code

__all__ = ["RECEIPT_ALPHABET", "Actor", "DossierDesk", "build_desk", "new_receipt_code"]


def build_desk(service: Any, settings: Any, catalogue: Any) -> DossierDesk:
    """The app's dossier desk from the server settings, with the paper store under the data dir."""
    from queue_server.papers import PaperStore

    return DossierDesk(
        service,
        catalogue,
        settings.dossier_retention_days,
        papers=PaperStore(settings.data_dir, service.db, service.clock),
        archive_years=getattr(settings, "dossier_archive_years", 10),
        site_code=getattr(settings, "dossier_site_code", None),
        site_name_vi=settings.site_name_vi,
        site_name_en=settings.site_name_en,
    )
