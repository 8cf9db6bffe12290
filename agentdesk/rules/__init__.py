"""Automation: rules that act on tickets by trigger and condition, run by the sync engine."""
