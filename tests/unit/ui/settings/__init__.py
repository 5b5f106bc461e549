"""Tests of the settings window, first-run panel, theme, icons and shortcuts."""
