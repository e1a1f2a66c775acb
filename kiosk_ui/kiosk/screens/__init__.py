"""One package per screen: ``model.py`` (view-model, no widgets), ``view.py`` (the Screen), ``<name>.kv``."""
