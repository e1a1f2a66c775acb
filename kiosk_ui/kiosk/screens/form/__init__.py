"""The form screen: view-model (model.py), view (view.py), layout (form.kv)."""
