"""Citizen kiosk, waiting-room and counter displays (Kivy)."""
