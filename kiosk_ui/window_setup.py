"""Kivy window set-up shared by the kiosk, the displays and the feedback tablet.

``configure_window`` must run before ``kivy.core.window`` is imported; ``tune_rendering`` once the
window exists (first thing in ``App.build``).

Three settings here decide much of a device's memory (``benchmarks/bench_kiosk.py``, kiosk RSS
from 610 MB after 120 screen changes to about 235 MB):

- No multisampling. Our screens are flat rectangles and text, which multisampling does not improve,
  and a software renderer (Mesa llvmpipe, the fallback on any box without a GPU driver) allocates
  4x colour and depth buffers for it: 63 MB at 1920x1080 (``benchmarks/bench_kiosk.py``).
- Headless runs (``SDL_VIDEODRIVER=offscreen``: tests, benchmarks, demos in CI) draw into an EGL
  pbuffer, whose buffer swap is a no-op. llvmpipe then never finishes a frame and keeps every
  draw call's binned commands: about 64 KB per draw, 3.5 MB per kiosk screen change, forever. A real
  window's swap finishes the frame; headless, we finish it ourselves after each flip.
- Kivy's SDL2 text provider keeps each label's last rendered SDL surface after uploading it to the
  texture: a second, CPU-side copy of every text on every screen (20 MB on the kiosk). We drop the
  surface once its pixels are copied out; the next render creates a new one, as it does anyway.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = [
    "configure_logging",
    "configure_window", "finish_frames_when_headless", "is_headless", "release_text_surfaces", "tune_rendering",
]  # fmt: skip


def configure_logging(level: str) -> None:
    """Python logging at ``level`` for a Kivy app; before Kivy is imported.

    By default Kivy takes over the root logger and lowers it to NOTSET, so every library's DEBUG lines
    (an HTTP client's 1,000 lines a minute) reach the device's journal; in ``PYTHON`` mode it leaves
    logging to us. Our command-line flags are not Kivy's (``KIVY_NO_ARGS``).
    """
    from motcua.runtime.logging import configure_logging as configure

    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    configure(level=str(level), identifier="motcua-kiosk")


def configure_window(width: int, height: int, *, windowed: bool, resizable: bool) -> None:
    """Full screen without a cursor on a device; a fixed-size window when ``windowed``."""
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "0" if windowed else "auto")
    Config.set("graphics", "show_cursor", "1" if windowed else "0")
    Config.set("graphics", "resizable", "1" if resizable else "0")
    Config.set("graphics", "multisamples", "0")
    Config.set("kivy", "exit_on_escape", "1" if windowed else "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")


def is_headless() -> bool:
    """True when SDL draws into an offscreen buffer instead of a screen."""
    return os.environ.get("SDL_VIDEODRIVER", "") == "offscreen"


def finish_frames_when_headless() -> bool:
    """Headless only: finish each frame after its (no-op) swap, so the renderer frees its commands."""
    if not is_headless():
        return False
    from kivy.core.window import Window
    from kivy.graphics.opengl import glFinish

    Window.bind(on_flip=lambda *_args: glFinish())
    return True


def release_text_surfaces() -> bool:
    """Free a label's SDL surface as soon as its pixels are copied out (SDL2 text provider only)."""
    try:
        from kivy.core.text.text_sdl2 import LabelSDL2
    except ImportError:  # another text provider: nothing retained
        return False
    if getattr(LabelSDL2, "_motcua_releases_surface", False):
        return True

    def _render_end(self: Any) -> Any:
        data = self._surface.get_data()  # copies the pixels into an ImageData
        self._surface = None
        return data

    LabelSDL2._render_end = _render_end
    LabelSDL2._motcua_releases_surface = True
    return True


def tune_rendering() -> None:
    """Once the window exists: the memory settings above that cannot be made before it."""
    release_text_surfaces()
    finish_frames_when_headless()
