"""The ticket screen: view-model (model.py), view (view.py), layout (ticket.kv)."""
