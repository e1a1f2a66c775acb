"""Pure kiosk and display logic shared by the Kivy apps: no I/O, no Kivy."""
