"""Connector secrets: the OS keyring, overridden by AGENTDESK_SECRET_<NAME> for containers and CI.

Secrets never live in the config file, the database or a log line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from agentdesk.i18n import _

KEYRING_SERVICE = "agentdesk"


class SecretMissing(Exception):
    """No secret for a connector that needs one; the message says how to fix it."""


def env_var_name(connector_name: str) -> str:
    """AGENTDESK_SECRET_ plus the name upper-cased, other characters as '_'."""
    return "AGENTDESK_SECRET_" + re.sub(r"[^A-Z0-9]", "_", connector_name.upper())


def get_secret(connector_name: str, environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    value = env.get(env_var_name(connector_name))
    if value:
        return value
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            value = keyring.get_password(KEYRING_SERVICE, connector_name)
        except KeyringError:
            value = None
    except ImportError:  # pragma: no cover - keyring is a hard dependency
        value = None
    if not value:
        raise SecretMissing(
            _(
                'connector "{name}": no secret stored; run `agentdesk login {name}` (or set {var})'
            ).format(name=connector_name, var=env_var_name(connector_name))
        )
    return value


def store_secret(connector_name: str, secret: str) -> None:
    """Save to the keyring; raises keyring.errors.KeyringError when no backend is usable."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, connector_name, secret)


@dataclass(frozen=True)
class KeyringInfo:
    usable: bool
    name: str
    plaintext: bool  # it writes secrets to a file anyone who can read it can use


# Backends that keep secrets unencrypted on disk (keyrings.alt's file keyring is chosen by
# the keyring library whenever it is installed and no desktop keyring is running).
_PLAINTEXT = ("keyrings.alt.file.PlaintextKeyring",)


def keyring_backend() -> KeyringInfo:
    """Which keyring backend `login` would write to, for `doctor` and `login` itself."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    inner = getattr(backend, "backends", None) or [backend]  # the chainer's members
    names = [f"{type(b).__module__}.{type(b).__name__}" for b in inner]
    return KeyringInfo(
        usable=not isinstance(backend, fail.Keyring),
        name=f"{type(backend).__module__}.{type(backend).__name__}",
        plaintext=any(n in _PLAINTEXT for n in names),
    )


def plaintext_warning(info: KeyringInfo) -> str:
    return _(
        "the keyring backend {name} stores secrets UNENCRYPTED in a file; install a desktop"
        " keyring or use AGENTDESK_SECRET_<NAME> variables (a test-only keyring may have been"
        " installed into this environment)"
    ).format(name=info.name)
