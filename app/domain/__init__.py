"""Plain data of the product: conversations, messages, their tree and status (no I/O)."""
