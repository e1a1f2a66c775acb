"""The start screen: view-model (model.py), view (view.py), layout (start.kv)."""
