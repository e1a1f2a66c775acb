"""The welcome screen: view-model (model.py), view (view.py), layout (welcome.kv)."""
