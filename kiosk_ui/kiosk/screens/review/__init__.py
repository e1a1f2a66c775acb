"""The review screen: view-model (model.py), view (view.py), layout (review.kv)."""
