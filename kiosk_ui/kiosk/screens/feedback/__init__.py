"""The feedback screen ("rate our service"): view-model (model.py), view (view.py), layout (feedback.kv)."""
