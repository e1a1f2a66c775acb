"""Synthetic papers for the capture tests and benchmark: an A4 page of Vietnamese text, and a camera photo of it.

The page is rendered with Pillow in DejaVu (fonts-dejavu-core); the photo warps it with OpenCV onto a darker
desk with a perspective, a rotation, a shadow gradient and sensor noise.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
# Words the OCR must find (compared folded: motcua.domain.vntext.fold).
KNOWN_WORDS = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Giấy khai sinh",
    "Nguyễn Thị Hồng Nhung",
    "14/02/2019",
)
_BODY = [
    "Họ, chữ đệm, tên: Nguyễn Thị Hồng Nhung",
    "Ngày, tháng, năm sinh: 14/02/2019",
    "Ghi bằng chữ: Ngày mười bốn, tháng hai, năm hai nghìn mười chín",
    "Giới tính: Nữ        Dân tộc: Kinh        Quốc tịch: Việt Nam",
    "Nơi sinh: Bệnh viện Đa khoa tỉnh Quảng Ninh",
    "Quê quán: xã Hạ Long, tỉnh Quảng Ninh",
    "Họ, chữ đệm, tên người mẹ: Trần Thị Mai",
    "Năm sinh: 1990        Dân tộc: Kinh        Quốc tịch: Việt Nam",
    "Nơi cư trú: số 12 đường Trần Hưng Đạo, phường Hồng Gai",
    "Họ, chữ đệm, tên người cha: Nguyễn Văn Hùng",
    "Năm sinh: 1988        Dân tộc: Kinh        Quốc tịch: Việt Nam",
    "Nơi đăng ký khai sinh: Ủy ban nhân dân phường Hồng Gai",
    "Ngày, tháng, năm đăng ký: 20/02/2019",
]


def render_page(dpi: int = 200, *, title: str = "GIẤY KHAI SINH", extra_lines: int = 0) -> Image.Image:
    """A white A4 page (grey, ``dpi``) with a birth certificate's text in Vietnamese."""
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(page)
    pt = dpi / 72

    def font(size_pt: float, bold: bool = False) -> ImageFont.FreeTypeFont:
        name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
        return ImageFont.truetype(f"{FONT_DIR}/{name}", round(size_pt * pt))

    def centred(y: float, text: str, f: ImageFont.FreeTypeFont) -> None:
        width = draw.textlength(text, font=f)
        draw.text(((w - width) / 2, y), text, font=f, fill=0)

    centred(0.6 * dpi, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font(13, bold=True))
    centred(0.85 * dpi, "Độc lập - Tự do - Hạnh phúc", font(12))
    centred(1.5 * dpi, title, font(18, bold=True))
    body = font(11.5)
    y = 2.3 * dpi
    for line in _BODY + _BODY[: max(0, extra_lines)]:
        draw.text((0.9 * dpi, y), line, font=body, fill=0)
        y += 0.42 * dpi
    return page


@dataclass(frozen=True)
class Photo:
    frame: np.ndarray  # BGR uint8, as cv2.VideoCapture.read() gives
    corners: np.ndarray  # where the page's corners landed (tl, tr, br, bl), float32 (4, 2)


def photograph(
    page: Image.Image,
    *,
    rotation_deg: float = 8.0,
    seed: int = 0,
    size: tuple[int, int] = (3264, 2448),  # an 8 Mpx document camera
    shadow: float = 0.55,
    noise_sigma: float = 6.0,
) -> Photo:
    """``page`` as a document camera sees it on a desk: rotated, in perspective, shadowed, noisy (BGR)."""
    rng = np.random.default_rng(seed)
    fw, fh = size
    src = np.array(page.convert("RGB"))[:, :, ::-1].astype(np.float32)
    ph, pw = src.shape[:2]
    # Page footprint: ~70 % of the frame height, rotated about the centre, corners jittered for perspective.
    scale = 0.72 * fh / ph
    half = np.array([[-pw, -ph], [pw, -ph], [pw, ph], [-pw, ph]], dtype=np.float32) * scale / 2
    a = math.radians(rotation_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], dtype=np.float32)
    corners = half @ rot.T + np.array([fw / 2, fh / 2], dtype=np.float32)
    corners += rng.uniform(-0.035, 0.035, size=(4, 2)).astype(np.float32) * fh
    # Keystone: the far edge (top) a little narrower, as with a camera looking slightly forward.
    corners[0, 0] += 0.03 * fh
    corners[1, 0] -= 0.03 * fh
    matrix = cv2.getPerspectiveTransform(
        np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], dtype=np.float32), corners
    )
    # The desk: dark, warm, textured.
    desk = np.empty((fh, fw, 3), dtype=np.float32)
    desk[:] = (55, 70, 95)
    desk += cv2.GaussianBlur(rng.normal(0, 18, (fh, fw, 1)).astype(np.float32), (0, 0), 3)[..., None]
    paper = cv2.warpPerspective(
        src * np.array([0.93, 0.96, 1.0], dtype=np.float32), matrix, (fw, fh), flags=cv2.INTER_AREA
    )
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), matrix, (fw, fh), flags=cv2.INTER_LINEAR)[..., None]
    frame = paper * mask + desk * (1 - mask)
    # A shadow falling across the page from one side (an arm, the camera stand).
    xs = np.linspace(0, 1, fw, dtype=np.float32)[None, :]
    ys = np.linspace(0, 1, fh, dtype=np.float32)[:, None]
    gradient = 1.0 - shadow * np.clip(1.2 * (0.3 * xs + 0.7 * ys) - 0.1, 0, 1)
    frame *= gradient[..., None]
    frame += rng.normal(0, noise_sigma, frame.shape).astype(np.float32)
    frame = cv2.GaussianBlur(frame, (3, 3), 0.8)
    return Photo(np.clip(frame, 0, 255).astype(np.uint8), corners)


def png_bytes(image: Image.Image, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def jpeg_bytes(frame: np.ndarray, quality: int = 85) -> bytes:
    ok, enc = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return enc.tobytes()
