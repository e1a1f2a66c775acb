"""Pure monitor logic (alert rules): no I/O, the clock passed in."""
