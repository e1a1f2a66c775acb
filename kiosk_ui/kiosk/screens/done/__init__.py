"""The done screen: view-model (model.py), view (view.py), layout (done.kv)."""
