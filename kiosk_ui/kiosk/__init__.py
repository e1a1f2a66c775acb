"""The citizen kiosk (Kivy): find a procedure, fill its form, submit the dossier, take a ticket, print it.

Importing this package loads no Kivy: ``kiosk_ui.kiosk.app`` is the Kivy entry point; the screens'
view-models (``screens/<name>/model.py``) and the backend are importable without a window.
"""
