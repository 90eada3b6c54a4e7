"""Message catalogues, one module per language other than English (the message ids)."""
