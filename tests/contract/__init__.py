"""The contract suite: every connector against its live platform."""
