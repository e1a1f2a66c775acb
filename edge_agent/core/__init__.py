"""Pure edge-agent logic: no I/O."""
