"""Announcement audio: chime + speech rendered to WAV off the UI thread (espeak-ng or a voice pack)."""

from kiosk_ui.speech.render import AnnouncementRenderer, build_renderer
from kiosk_ui.speech.voicepack import MissingClip, VoicePack

__all__ = ["AnnouncementRenderer", "MissingClip", "VoicePack", "build_renderer"]
