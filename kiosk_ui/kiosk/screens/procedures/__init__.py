"""The procedures screen: view-model (model.py), view (view.py), layout (procedures.kv)."""
