"""The supervisor's read-only monitor: wallboard, queues, conversations, following an agent."""
