"""Runtime glue every deployable may use: the MQTT connection, the broker launcher, systemd notify and
watchdog, the token-bucket rate limiter and a warn-once logger."""
