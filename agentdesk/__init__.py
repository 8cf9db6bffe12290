"""agentdesk: a terminal console for e-commerce customer-service teams."""

import logging

__version__ = "0.1.0"

# A library stays silent unless its host configures logging (the sync daemon does); without
# this, warnings would reach stderr, which in the console is the agent's screen.
logging.getLogger("agentdesk").addHandler(logging.NullHandler())
