"""Document-camera image maths (OpenCV): find the page, flatten it, straighten it, even out the light."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = [
    "deskew",
    "find_page_quad",
    "flatten_illumination",
    "order_corners",
    "output_size",
    "skew_angle",
    "to_grey",
    "warp_page",
]

# cv2's stubs type every image as a broad MatLike; one loose alias keeps the signatures readable.
Grey = NDArray[Any]
Points = NDArray[Any]
_WORK_PX = 1000  # page finding runs on a copy this many pixels on its long side
_A4_RATIO = 297.0 / 210.0


def to_grey(frame: Grey) -> Grey:
    """A camera frame (BGR, BGRA or already grey) as one 8-bit channel."""
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def order_corners(pts: Points) -> Points:
    """Four points as top-left, top-right, bottom-right, bottom-left (image coordinates, y down)."""
    pts = np.asarray(pts, dtype=np.float32).reshape(4, 2)
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()  # y - x
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], dtype=np.float32)


def _quad_from_contour(contour: Points) -> Points | None:
    peri = cv2.arcLength(contour, True)
    for eps in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(contour, eps * peri, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            return approx.reshape(4, 2).astype(np.float32)
    return None


def find_page_quad(grey: Grey, *, min_area_fraction: float = 0.15) -> Points | None:
    """The page's four corners in ``grey`` (ordered), or None when no page-like quadrilateral stands out."""
    h, w = grey.shape[:2]
    scale = min(1.0, _WORK_PX / max(h, w))
    small = cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else grey
    small = cv2.GaussianBlur(small, (5, 5), 0)
    min_area = min_area_fraction * small.shape[0] * small.shape[1]
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    # Two views of the same frame: the page as the bright region (Otsu), and as the region its edges close.
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, kernel, iterations=3)
    edges = cv2.morphologyEx(cv2.Canny(small, 30, 100), cv2.MORPH_CLOSE, kernel, iterations=2)  # no net growth
    frame_area = small.shape[0] * small.shape[1]
    candidates = []
    for mask in (bright, edges):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        # The whole frame is no finding: the caller then uses the frame as it is.
        candidates += [c for c in contours if min_area <= cv2.contourArea(c) < 0.97 * frame_area]
    candidates.sort(key=cv2.contourArea, reverse=True)
    # A true four-cornered outline first (from either view: a deep shadow can cut a corner off the bright
    # region while the edges still close it) ...
    for contour in candidates[:6]:
        if cv2.contourArea(contour) < 0.8 * cv2.contourArea(candidates[0]):
            break  # a block of text inside the page, not the page
        quad = _quad_from_contour(contour)
        if quad is not None:
            return order_corners(quad / scale)
    # ... else rounded or torn corners: the tightest rotated rectangle around the largest region.
    if candidates:
        return order_corners(cv2.boxPoints(cv2.minAreaRect(candidates[0])).astype(np.float32) / scale)
    return None


def output_size(quad: Points, dpi: int) -> tuple[int, int]:
    """(width, height) of the flattened page: A4 at ``dpi`` when the quad is A4-like, else its own aspect."""
    tl, tr, br, bl = quad
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    long_px = round(11.69 * dpi)
    ratio = float(max(width, height)) / max(1.0, float(min(width, height)))
    if abs(ratio - _A4_RATIO) < 0.12:  # perspective foreshortening leaves A4 within this band
        ratio = _A4_RATIO
    short_px = round(long_px / ratio)
    return (short_px, long_px) if height >= width else (long_px, short_px)


def warp_page(grey: Grey, quad: Points, dpi: int) -> Grey:
    """The page inside ``quad`` seen from straight above, at ``dpi``."""
    w, h = output_size(quad, dpi)
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(order_corners(quad), target)
    return cv2.warpPerspective(grey, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def skew_angle(grey: Grey, *, max_deg: float = 5.0, step_deg: float = 0.25) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines horizontal: projection profile."""
    h, w = grey.shape[:2]
    scale = min(1.0, 800 / max(h, w))
    small = cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1].astype(np.float32)
    centre = (small.shape[1] / 2, small.shape[0] / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-max_deg, max_deg + step_deg / 2, step_deg):
        m = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rotated = cv2.warpAffine(ink, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        score = float(np.var(rotated.sum(axis=1)))  # sharp row profile = lines aligned
        if score > best_score:
            best, best_score = float(angle), score
    return best


def deskew(grey: Grey, *, max_deg: float = 5.0) -> Grey:
    """``grey`` rotated so its text lines are horizontal (a residual skew of at most ``max_deg``)."""
    angle = skew_angle(grey, max_deg=max_deg)
    if abs(angle) < 0.2:
        return grey
    h, w = grey.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def flatten_illumination(grey: Grey, *, clahe: bool = False) -> Grey:
    """Shadows and gradients divided out: paper → white, ink → black, whatever the light across the page.

    The paper's own brightness is estimated per region (a closing wider than a stroke removes the ink) and
    divided out, a local contrast normalisation that, unlike CLAHE alone, also removes a shadow's gradient.
    ``clahe`` adds OpenCV's CLAHE afterwards for faint ink (it also raises paper grain, and JPEG size).
    """
    h, w = grey.shape[:2]
    # Estimated at a quarter of the size (the light varies slowly): 10x cheaper than at full size.
    small = cv2.resize(grey, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    k = max(5, (min(small.shape[:2]) // 40) | 1)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    background = cv2.resize(cv2.GaussianBlur(background, (0, 0), k / 2), (w, h), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(cv2.medianBlur(grey, 3), np.maximum(background, 1), scale=255)
    if clahe:
        flat = cv2.createCLAHE(clipLimit=1.5, tileGridSize=(8, 8)).apply(flat)
    # White point just under the paper's level, so grain and noise go to white (and compress to nothing).
    lo = float(np.percentile(flat, 0.5))
    white = 0.88 * float(np.median(flat))
    if white - lo < 10:
        return np.asarray(flat, dtype=np.uint8)
    out: Grey = np.clip((flat.astype(np.float32) - lo) * (255.0 / (white - lo)), 0, 255).astype(np.uint8)
    return out
