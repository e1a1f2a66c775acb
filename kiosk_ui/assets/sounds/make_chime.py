"""Regenerate chime.wav (a synthesised two-tone chime, no recording involved)."""

from kiosk_ui.speech.assets_build import main

if __name__ == "__main__":
    raise SystemExit(main(["--only", "chime"]))
