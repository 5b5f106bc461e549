"""Qt widgets and windows of the desktop app."""
