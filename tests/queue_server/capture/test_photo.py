"""Document-camera path on generated photos of a printed page: page found, flattened, OCR finds the words."""

from __future__ import annotations

import subprocess

import cv2
import numpy as np
import pytest
from capture_pages import KNOWN_WORDS, jpeg_bytes, photograph, render_page

from motcua.domain.vntext import fold
from queue_server.capture import CaptureError, process_photo
from queue_server.capture.geometry import find_page_quad, skew_angle, to_grey


def _words_found(text: str) -> list[str]:
    folded = fold(text)
    return [w for w in KNOWN_WORDS if fold(w) in folded]


@pytest.mark.parametrize(
    ("rotation", "seed", "conditions"),
    [
        (5.0, 1, {}),
        (-9.0, 2, {}),
        (15.0, 3, {}),
        (-12.5, 4, {}),
        (-12.0, 21, {"shadow": 0.8}),  # the far corner almost as dark as the desk
        (9.0, 22, {"noise_sigma": 14.0}),
        (-7.0, 23, {"size": (1920, 1440)}),  # a 2.8 Mpx camera
    ],
)
def test_page_corners_are_found_in_a_tilted_shadowed_photo(rotation, seed, conditions):
    photo = photograph(render_page(), rotation_deg=rotation, seed=seed, **conditions)
    quad = find_page_quad(to_grey(photo.frame))
    assert quad is not None
    diag = float(np.hypot(*photo.frame.shape[:2]))
    errors = np.linalg.norm(quad - photo.corners, axis=1) / diag
    assert errors.max() < 0.004, errors


@pytest.mark.parametrize(
    ("rotation", "seed", "conditions"), [(6.0, 11, {}), (-14.0, 12, {}), (11.0, 13, {"shadow": 0.8})]
)
def test_photo_of_a_birth_certificate_yields_a_searchable_pdf_with_its_words(rotation, seed, conditions, tmp_path):
    photo = photograph(render_page(), rotation_deg=rotation, seed=seed, **conditions)
    paper = process_photo(photo.frame)
    assert paper.pages == 1 and paper.source == "photo"
    assert _words_found(paper.text) == list(KNOWN_WORDS)
    # The text layer is in the PDF itself: poppler's pdftotext finds the same words.
    (tmp_path / "p.pdf").write_bytes(paper.pdf)
    layer = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "p.pdf"), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert _words_found(layer) == list(KNOWN_WORDS)


def test_uncorrected_photo_is_not_enough_the_correction_is_what_makes_ocr_work():
    """Control: the same frame OCR'd without page finding loses known words (so the test above tests it)."""
    from PIL import Image

    from queue_server.capture import CaptureLimits
    from queue_server.capture.images import Page
    from queue_server.capture.ocr import ocr_to_pdf

    photo = photograph(render_page(), rotation_deg=14.0, seed=12)
    small = cv2.resize(to_grey(photo.frame), (1654, 1240), interpolation=cv2.INTER_AREA)
    _, text = ocr_to_pdf([Page(Image.fromarray(small), 200)], CaptureLimits())
    assert _words_found(text) != list(KNOWN_WORDS)


def test_photo_as_jpeg_bytes_is_accepted():
    photo = photograph(render_page(), rotation_deg=-7.0, seed=5)
    paper = process_photo(jpeg_bytes(photo.frame))
    assert "giay khai sinh" in fold(paper.text)


def test_flattened_page_is_stored_as_a4_grey_jpeg_with_a_200px_thumbnail(tmp_path):
    paper = process_photo(photograph(render_page(), rotation_deg=9.0, seed=6).frame)
    (tmp_path / "p.pdf").write_bytes(paper.pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "p.pdf")], capture_output=True, check=True, text=True).stdout
    assert "(A4)" in info
    images = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "p.pdf")], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert len(images) == 1 and " gray " in images[0] and " jpeg " in images[0]
    thumb = cv2.imdecode(np.frombuffer(paper.thumbnails[0], np.uint8), cv2.IMREAD_UNCHANGED)
    assert thumb.shape[1] == 200 and 270 < thumb.shape[0] < 290
    assert len(paper.pdf) < 400_000


def test_residual_skew_is_measured_from_the_text_lines():
    page = np.array(render_page())
    h, w = page.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 3.0, 1.0)
    tilted = cv2.warpAffine(page, m, (w, h), borderValue=255)
    assert skew_angle(tilted) == pytest.approx(-3.0, abs=0.3)


@pytest.mark.parametrize(
    "frame",
    [np.zeros((10, 10, 3), np.uint8), np.zeros((100, 100), np.float64), np.zeros((100, 100, 2), np.uint8)],
    ids=["tiny", "float", "two-channels"],
)
def test_a_frame_that_is_no_image_is_refused_with_422(frame):
    with pytest.raises(CaptureError) as err:
        process_photo(frame)
    assert err.value.status == 422 and err.value.message_vi and err.value.message_en


def test_a_frame_filled_by_the_page_is_used_whole():
    page = np.array(render_page())  # no desk around it: nothing to crop
    paper = process_photo(page)
    assert _words_found(paper.text) == list(KNOWN_WORDS)


@pytest.mark.parametrize(("rotation", "seed"), [(-1.8, 104), (14.7, 109)])
def test_bitonal_photo_keeps_thin_digits_readable(rotation, seed):
    """These frames lost "14/02/2019" with a fixed 128 threshold; Otsu's keeps the strokes."""
    from queue_server.capture import CaptureLimits

    photo = photograph(render_page(), rotation_deg=rotation, seed=seed)
    paper = process_photo(photo.frame, limits=CaptureLimits(page_mode="bitonal"))
    assert _words_found(paper.text) == list(KNOWN_WORDS)
    assert len(paper.pdf) < 60_000


def test_an_uploaded_phone_photo_can_go_through_the_camera_path():
    from queue_server.capture import process_upload

    photo = photograph(render_page(), rotation_deg=12.0, seed=31)
    paper = process_upload(jpeg_bytes(photo.frame), "dien-thoai.jpg", "image/jpeg", as_photo=True)
    assert paper.source == "upload-photo"
    assert _words_found(paper.text) == list(KNOWN_WORDS)
