"""The services screen: view-model (model.py), view (view.py), layout (services.kv)."""
