"""Commands that write records: scaffolding a new alliance repository and the record lifecycle."""
