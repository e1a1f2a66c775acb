"""Read the QR code of a citizen ID card (CCCD) with OpenCV: from a file, a frame or a camera.

Decoded text is never logged. Each frame is tried with ``cv2.QRCodeDetector`` first, then with
``cv2.QRCodeDetectorAruco`` (more tolerant of blur and perspective), then on cleaned-up copies
(contrast-normalised, de-noised, up-scaled when small), stopping at the first success.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from kiosk_ui.core.cccd import CitizenIdentity, parse_cccd_qr

__all__ = [
    "CameraUnavailable",
    "decode_file",
    "decode_frame",
    "scan_camera",
    "scan_cccd",
]

logger = logging.getLogger(__name__)

Frame = NDArray[Any]
_MIN_SIDE = 480  # below this a card photo is up-scaled before decoding
_MAX_SIDE = 1600  # above this it is down-scaled (speed on a Pi)


class CameraUnavailable(Exception):
    """The camera cannot be opened or stopped delivering frames (vi / en message)."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en


class _Capture(Protocol):
    def isOpened(self) -> bool: ...
    def read(self) -> tuple[bool, Frame | None]: ...
    def release(self) -> None: ...


_DETECTORS: list[Any] = []


def _detectors() -> list[Any]:
    if not _DETECTORS:
        _DETECTORS.append(cv2.QRCodeDetector())
        if hasattr(cv2, "QRCodeDetectorAruco"):
            _DETECTORS.append(cv2.QRCodeDetectorAruco())
    return _DETECTORS


def _to_text(data: bytes | str) -> str | None:
    if isinstance(data, str):
        if not data:
            return None
        try:  # older OpenCV builds hand UTF-8 bytes back as Latin-1 characters
            return data.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return data
    if not data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _try_decode(gray: Frame) -> str | None:
    for detector in _detectors():
        try:
            if hasattr(detector, "detectAndDecodeBytes"):
                data, _points, _ = detector.detectAndDecodeBytes(gray)
            else:
                data, _points, _ = detector.detectAndDecode(gray)
        except cv2.error:
            continue
        text = _to_text(data)
        if text:
            return text
    return None


def _variants(gray: Frame) -> Iterator[Frame]:
    yield gray
    side = min(gray.shape[:2])
    if side < _MIN_SIDE:
        scale = _MIN_SIDE / max(side, 1)
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        yield gray
    yield cv2.equalizeHist(gray)
    blurred = cv2.medianBlur(gray, 3)
    yield blurred
    _, otsu = cv2.threshold(cv2.GaussianBlur(gray, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield otsu


def decode_frame(frame: Frame) -> str | None:
    """Decode the first QR code found in a BGR, BGRA or grey image; None when there is none."""
    image = np.asarray(frame)
    if image.ndim == 3 and image.shape[2] == 4:
        gray = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    elif image.ndim == 3:
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    elif image.ndim == 2:
        gray = image
    else:
        raise ValueError("Ảnh không hợp lệ / Not an image array")
    if gray.dtype != np.uint8:
        values = gray.astype(np.float64)
        span = float(values.max() - values.min()) or 1.0
        gray = ((values - values.min()) * (255.0 / span)).astype(np.uint8)
    longest = max(gray.shape[:2])
    if longest > _MAX_SIDE:
        scale = _MAX_SIDE / longest
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    for variant in _variants(gray):
        text = _try_decode(variant)
        if text:
            return text
    return None


def decode_file(path: str | Path) -> str | None:
    """Decode a QR code from an image file; FileNotFoundError / ValueError if it is not an image."""
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"Không tìm thấy tệp ảnh / Image file not found: {file.name}")
    # np.fromfile + imdecode: cv2.imread cannot open non-ASCII paths on some platforms.
    image = cv2.imdecode(np.fromfile(str(file), dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"Không đọc được ảnh / Cannot read the image: {file.name}")
    return decode_frame(image)


def scan_camera(
    index: int | str = 0,
    timeout: float = 15.0,
    *,
    capture_factory: Callable[[int | str], _Capture] | None = None,
    accept: Callable[[str], bool] | None = None,
    should_stop: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> str | None:
    """Read frames until a QR code (that ``accept`` approves) is seen; None after ``timeout`` s."""
    factory = capture_factory or cv2.VideoCapture
    capture = factory(index)
    try:
        if not capture.isOpened():
            raise CameraUnavailable("Không mở được camera", "The camera cannot be opened")
        deadline = clock() + timeout
        failures = 0
        while clock() < deadline:
            if should_stop is not None and should_stop():
                return None
            ok, frame = capture.read()
            if not ok or frame is None:
                failures += 1
                if failures >= 50 and isinstance(index, int):
                    raise CameraUnavailable("Camera ngừng gửi hình", "The camera stopped sending frames")
                if isinstance(index, str):  # a video file has ended
                    return None
                time.sleep(0.02)
                continue
            failures = 0
            text = decode_frame(frame)
            if text is not None and (accept is None or accept(text)):
                return text
        return None
    finally:
        capture.release()


def _is_cccd(text: str) -> bool:
    try:
        parse_cccd_qr(text)
    except ValueError:
        return False
    return True


def scan_cccd(index: int | str = 0, timeout: float = 15.0, **kwargs: Any) -> CitizenIdentity | None:
    """Scan the camera for a valid CCCD QR code (other QR codes are ignored); None on timeout."""
    text = scan_camera(index, timeout, accept=_is_cccd, **kwargs)
    return parse_cccd_qr(text) if text is not None else None
