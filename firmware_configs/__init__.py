"""firmware_configs."""
