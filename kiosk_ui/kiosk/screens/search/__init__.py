"""The search screen: view-model (model.py), view (view.py), layout (search.kv)."""
