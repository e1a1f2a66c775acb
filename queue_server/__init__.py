"""Queue server: FastAPI app, SQLite store, MQTT publisher, staff console."""
