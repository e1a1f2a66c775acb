"""Regenerate the default voice pack (vi-default/) with espeak-ng: see README.md beside this file."""

from kiosk_ui.speech.assets_build import main

if __name__ == "__main__":
    raise SystemExit(main(["--only", "pack"]))
