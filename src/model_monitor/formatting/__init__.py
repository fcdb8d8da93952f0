"""Rendering records for people (rich tables) and for programs (JSON), one module per command."""
