"""Runtime glue every deployable may use: the MQTT connection, the broker launcher and supervisor, systemd notify
and watchdog, the token-bucket rate limiter, warn-once logging, private files, keys and CSRs, offline API docs.

Each module is imported on its own (``from motcua.runtime.mqtt import MqttConnection``); nothing here is loaded
by importing the package.
"""

__all__ = ["apidocs", "broker", "embedded_broker", "files", "mqtt", "pki", "ratelimit", "sdnotify", "warnonce"]
