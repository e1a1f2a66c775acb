"""HTTP API of the queue server, under /api/v1."""
