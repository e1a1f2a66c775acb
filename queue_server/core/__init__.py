"""Pure queue domain: no I/O, the clock passed in."""
