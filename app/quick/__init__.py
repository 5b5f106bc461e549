"""Quick prompts: the quick window, its templates, global shortcuts and the tray."""
