"""The priority screen: view-model (model.py), view (view.py), layout (priority.kv)."""
