"""Tests of app.quick: templates, the quick window, hotkeys and the tray."""
