"""postctl: create, lint, list and retag the posts of a static-site blog."""

__version__ = "0.1.0"
