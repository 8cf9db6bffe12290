"""What every HTTP platform connector shares: a client that sorts failures for the outbox,
honours rate limits, and walks the platforms' ways of paging."""
