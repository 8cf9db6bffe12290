from agentdesk.cli import main

# Guarded: the demo's worker processes import the main module again.
if __name__ == "__main__":
    main()
