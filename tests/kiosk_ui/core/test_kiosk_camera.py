"""The camera adapter decodes CCCD QR codes from files, frames and a (recorded) camera."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import qrcode

from kiosk_ui.camera import CameraUnavailable, decode_file, decode_frame, scan_camera, scan_cccd
from kiosk_ui.core.cccd import parse_cccd_qr

PAYLOAD = "001089012345||Nguyễn Văn An|15081989|Nam|Số 12, phường Suối Hoa, TP Bắc Ninh, Bắc Ninh|20042021"
OLD_ID_PAYLOAD = "079190001234|025123456|Trần Thị Ngọc Ánh|01011990|Nữ|Phường Bến Nghé, Quận 1, TP Hồ Chí Minh|10102022"


def qr_image(text: str, box: int = 6, border: int = 4) -> np.ndarray[Any, Any]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box, border=border)
    qr.add_data(text.encode("utf-8"))
    qr.make(fit=True)
    grey = np.array(qr.make_image().get_image().convert("L"))
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def rotate(image: np.ndarray[Any, Any], degrees: float) -> np.ndarray[Any, Any]:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(image, matrix, (nw, nh), borderValue=(255, 255, 255))


def card_photo(text: str, seed: int = 7) -> np.ndarray[Any, Any]:
    """A 1280x800 'photo': textured desk, a pale card with text and the QR in its corner, skewed."""
    rng = np.random.default_rng(seed)
    desk = rng.integers(60, 140, size=(800, 1280, 3), dtype=np.uint8)
    desk = cv2.GaussianBlur(desk, (9, 9), 0)
    card = np.full((340, 540, 3), (225, 235, 240), dtype=np.uint8)
    cv2.putText(card, "CAN CUOC CONG DAN", (20, 50), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (40, 40, 160), 2)
    for row in range(5):
        cv2.putText(
            card, "Ho va ten / Full name ...", (20, 110 + 40 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (30, 30, 30), 1
        )
    qr = cv2.resize(qr_image(text, box=3, border=2), (150, 150), interpolation=cv2.INTER_AREA)
    card[20:170, 370:520] = qr
    src = np.float32([[0, 0], [540, 0], [540, 340], [0, 340]])
    dst = np.float32([[300, 180], [880, 220], [860, 600], [280, 560]])
    warped = cv2.warpPerspective(card, cv2.getPerspectiveTransform(src, dst), (1280, 800))
    mask = cv2.warpPerspective(np.full((340, 540), 255, np.uint8), cv2.getPerspectiveTransform(src, dst), (1280, 800))
    desk[mask > 0] = warped[mask > 0]
    return desk


def test_decodes_a_plain_utf8_qr_and_parses_it() -> None:
    text = decode_frame(qr_image(PAYLOAD))
    assert text == PAYLOAD
    ident = parse_cccd_qr(text, today=date(2025, 3, 18))
    assert ident.full_name == "Nguyễn Văn An"


@pytest.mark.parametrize("degrees", [90, 180, 33, -15])
def test_decodes_rotated_qr(degrees: float) -> None:
    assert decode_frame(rotate(qr_image(OLD_ID_PAYLOAD), degrees)) == OLD_ID_PAYLOAD


def test_decodes_a_scaled_down_qr() -> None:
    small = cv2.resize(qr_image(PAYLOAD, box=6), None, fx=0.45, fy=0.45, interpolation=cv2.INTER_AREA)
    assert small.shape[0] < 150
    assert decode_frame(small) == PAYLOAD


def test_decodes_a_noisy_blurred_qr() -> None:
    rng = np.random.default_rng(1)
    image = cv2.GaussianBlur(qr_image(PAYLOAD), (3, 3), 0).astype(np.int16)
    noisy = np.clip(image + rng.normal(0, 35, image.shape), 0, 255).astype(np.uint8)
    assert decode_frame(noisy) == PAYLOAD


def test_decodes_a_qr_on_a_card_photo() -> None:
    assert decode_frame(card_photo(PAYLOAD)) == PAYLOAD


def test_decodes_grey_and_bgra_frames() -> None:
    bgr = qr_image(PAYLOAD)
    assert decode_frame(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)) == PAYLOAD
    assert decode_frame(cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)) == PAYLOAD


def test_no_qr_gives_none() -> None:
    assert decode_frame(np.full((480, 640, 3), 200, np.uint8)) is None
    assert decode_frame(card_photo(PAYLOAD)[:150, :250]) is None


def test_decode_file_png_and_jpeg_with_a_vietnamese_file_name(tmp_path: Path) -> None:
    png = tmp_path / "thẻ căn cước.png"
    jpg = tmp_path / "ảnh.jpg"
    ok, encoded = cv2.imencode(".png", card_photo(PAYLOAD))
    assert ok
    png.write_bytes(encoded.tobytes())
    ok, encoded = cv2.imencode(".jpg", card_photo(OLD_ID_PAYLOAD), [cv2.IMWRITE_JPEG_QUALITY, 80])
    jpg.write_bytes(encoded.tobytes())
    assert decode_file(png) == PAYLOAD
    assert decode_file(jpg) == OLD_ID_PAYLOAD


def test_decode_file_errors_do_not_crash(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        decode_file(tmp_path / "missing.png")
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    with pytest.raises(ValueError, match="Cannot read the image"):
        decode_file(bad)


def _write_video(path: Path, frames: list[np.ndarray[Any, Any]]) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480))
    assert writer.isOpened()
    for frame in frames:
        writer.write(cv2.resize(frame, (640, 480)))
    writer.release()


def _framed(text: str) -> np.ndarray[Any, Any]:
    canvas = np.full((480, 640, 3), 235, np.uint8)
    qr = cv2.resize(qr_image(text, box=4), (300, 300), interpolation=cv2.INTER_NEAREST)
    canvas[90:390, 170:470] = qr
    return canvas


def test_scan_camera_reads_a_recorded_stream(tmp_path: Path) -> None:
    video = tmp_path / "camera.avi"
    blank = np.full((480, 640, 3), 90, np.uint8)
    _write_video(video, [blank, blank, _framed("https://example.vn/not-a-card"), _framed(PAYLOAD)])
    assert scan_camera(str(video), timeout=10) == "https://example.vn/not-a-card"
    ident = scan_cccd(str(video), timeout=10)
    assert ident is not None
    assert ident.id_number == "001089012345"


def test_scan_camera_returns_none_when_the_stream_has_no_qr(tmp_path: Path) -> None:
    video = tmp_path / "empty.avi"
    _write_video(video, [np.full((480, 640, 3), 90, np.uint8)] * 3)
    assert scan_camera(str(video), timeout=10) is None


def test_missing_camera_raises_camera_unavailable(tmp_path: Path) -> None:
    with pytest.raises(CameraUnavailable, match="The camera cannot be opened"):
        scan_camera(str(tmp_path / "no-such-device.avi"), timeout=1)


class _FakeCapture:
    """A camera that keeps showing the same frame; counts reads and release."""

    def __init__(self, frame: np.ndarray[Any, Any] | None, opened: bool = True) -> None:
        self.frame, self.opened, self.reads, self.released = frame, opened, 0, False

    def isOpened(self) -> bool:
        return self.opened

    def read(self) -> tuple[bool, np.ndarray[Any, Any] | None]:
        self.reads += 1
        return (self.frame is not None, self.frame)

    def release(self) -> None:
        self.released = True


def test_scan_times_out_with_none_and_releases_the_camera() -> None:
    fake = _FakeCapture(np.full((120, 160, 3), 128, np.uint8))
    ticks = iter(float(t) for t in range(100))
    assert scan_camera(0, timeout=5, capture_factory=lambda _i: fake, clock=lambda: next(ticks)) is None
    assert fake.reads == 4
    assert fake.released


def test_camera_that_cannot_open_or_stops_sending_frames() -> None:
    closed = _FakeCapture(None, opened=False)
    with pytest.raises(CameraUnavailable):
        scan_camera(0, capture_factory=lambda _i: closed)
    assert closed.released
    dead = _FakeCapture(None)
    with pytest.raises(CameraUnavailable, match="stopped sending frames"):
        scan_camera(0, timeout=60, capture_factory=lambda _i: dead)
    assert dead.released


def test_scan_can_be_cancelled() -> None:
    fake = _FakeCapture(_framed(PAYLOAD))
    assert scan_camera(0, capture_factory=lambda _i: fake, should_stop=lambda: True) is None
    assert fake.reads == 0


def test_identity_module_does_not_import_opencv() -> None:
    import subprocess
    import sys

    code = "import sys, kiosk_ui.identity; sys.exit('cv2' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_camera_index_without_a_device_raises_camera_unavailable() -> None:
    with pytest.raises(CameraUnavailable, match="Không mở được camera"):
        scan_camera(97, timeout=1)  # no /dev/video97 on a test machine
