"""The language of a command's words, chosen before the modules that make labels at import
time are loaded: --lang, else AGENTDESK_LANG, else `[ui] language` in the config file,
else the locale environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import gettext
import os
import sys
import tomllib
from collections.abc import Mapping, Sequence

from agentdesk import i18n
from agentdesk.config.settings import config_file_path


def _option(argv: Sequence[str], name: str) -> str | None:
    """A global option's value as click will read it (`--lang zh_CN` or `--lang=zh_CN`),
    looked at only before the command's name."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-") and (i == 0 or argv[i - 1] not in ("--config", "--data-dir")):
            return None  # the command's own arguments start here
    return None


def _configured(config_flag: str | None, env: Mapping[str, str]) -> str | None:
    """`[ui] language` from the config file; anything unreadable is left to the config's own
    checks, which name the key and the line."""
    path = config_file_path(config_flag, dict(env))
    try:
        if not path.is_file():  # a FIFO would block; a link loop, a directory: not here
            return None
        with open(path, "rb") as f:
            value = tomllib.load(f).get("ui", {}).get("language")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def choose(argv: Sequence[str], env: Mapping[str, str] | None = None) -> None:
    """Install the language for this process; an unknown explicit one ends it (exit 2)."""
    env = os.environ if env is None else env
    flag = _option(argv, "--lang")
    try:
        language = i18n.resolve(flag, env, _configured(_option(argv, "--config"), env))
    except i18n.UnknownLanguage as e:
        print(f"agentdesk: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    i18n.use(language)
    # Click's words go through gettext's default domain and the locale variables: point both
    # at our choice (agentdesk/cli/click_words.py lists the words). LANGUAGE is what gettext
    # reads first; the demo's worker processes inherit it.
    gettext.bindtextdomain("agentdesk", i18n.LOCALE_DIR)
    gettext.textdomain("agentdesk")
    os.environ["LANGUAGE"] = language
