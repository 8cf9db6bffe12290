"""Running `agentdesk` as a user would, in a subprocess, untouched by the caller's settings."""

from __future__ import annotations

import os


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any AGENTDESK_ variable (a developer's own config,
    data dir or secrets must not leak into a test), in English whatever the machine's locale,
    plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTDESK_")}
    env["AGENTDESK_LANG"] = "en"
    env.update(extra)
    return env
