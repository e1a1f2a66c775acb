"""The queue service's use cases, one module per seam; ``queue_server.service.QueueService`` composes them.

``base`` holds the state and the transaction/event plumbing every use case shares (and sibling desks use
through ``commit_events``/``notify``); ``tickets``, ``counters``, ``queries`` and ``appointments`` add the
use cases.
"""
