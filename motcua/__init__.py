"""motcua: shared contract (MQTT topics and payloads), settings helpers and the `motcua` command."""

__version__ = "0.1.0"
__all__ = ["__version__"]
