"""The SQLite cache: schema, ingest, the outbox, reads for the screen."""
