"""The fields screen: view-model (model.py), view (view.py), layout (fields.kv)."""
