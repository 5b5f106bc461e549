"""The pages of the settings window (``app.ui.settings_dialog``) and their building blocks."""
