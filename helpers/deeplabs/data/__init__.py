"""Data loaders, one module per lab (import the one you need: nothing is loaded eagerly)."""
