"""The procedure screen: view-model (model.py), view (view.py), layout (procedure.kv)."""
