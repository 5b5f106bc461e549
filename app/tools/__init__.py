"""Functions the model may call: built-in ones and those of MCP servers (no Qt)."""
