"""Connectors: one package per platform type, each declaring its SPEC (see spec.py)."""
