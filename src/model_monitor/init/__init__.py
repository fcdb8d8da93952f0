"""Drafting a monitor configuration for `model-monitor init` (monitor.py drafts; the rest guess)."""
