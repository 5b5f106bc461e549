"""Qt controllers over the core: send, stop, regenerate, continue; the model catalogue."""
