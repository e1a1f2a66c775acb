"""Citizen identity from a CCCD QR code: the public, light-weight entry point (no OpenCV)."""

from __future__ import annotations

from kiosk_ui.core.cccd import CitizenIdentity, mask_id_number, mask_name, parse_cccd_qr

__all__ = ["CitizenIdentity", "mask_id_number", "mask_name", "parse_cccd_qr"]
