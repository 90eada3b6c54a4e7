"""The CLI commands, one module per domain; `qtgov.cli` assembles them into one group."""
