"""The waiting-room and counter displays: a Kivy app fed by MQTT (``motcua display``).

Import ``kiosk_ui.display.window.configure_window`` before anything that imports Kivy's window,
then ``kiosk_ui.display.app.DisplayApp``.
"""
