"""The one gate for user-facing strings, and which language they are shown in.

English is written in the code; `agentdesk/locale/<lang>/LC_MESSAGES/agentdesk.mo` (built
from the `.po` beside it by `scripts/translations`) gives every other language. The
language is chosen once, before the modules whose labels are made at import time (key
bindings, column titles, click's help texts) are imported: `agentdesk.cli.main` does it
from `--lang`, AGENTDESK_LANG, `[ui] language` and the locale environment.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"

# The languages a catalogue exists for; "en" is the code's own words.
LANGUAGES = ("en", "zh_CN")
CHOICES = ("auto", *LANGUAGES)

# Locale variables in the order gettext reads them: the first one set decides.
_LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class UnknownLanguage(ValueError):
    pass


def normalize(name: str) -> str | None:
    """`zh_CN.UTF-8`, `zh-CN`, `zh_Hans`, `zh` → zh_CN; `en_GB` → en; None when no
    catalogue fits. Traditional Chinese locales get the Simplified catalogue: nearer to
    their readers than English."""
    base = name.split(".", 1)[0].split("@", 1)[0].replace("-", "_").strip()
    lang = base.split("_", 1)[0].lower()
    if lang == "zh":
        return "zh_CN"
    if lang in ("en", "c", "posix"):
        return "en"
    return None


def from_environment(env: Mapping[str, str]) -> str:
    """The language the locale environment asks for (`auto`); English when none fits."""
    for var in _LOCALE_VARS:
        value = env.get(var, "")
        if value:
            # LANGUAGE is a list ("zh_CN:en"): its first entry with a catalogue wins.
            for entry in value.split(":") if var == "LANGUAGE" else [value]:
                found = normalize(entry)
                if found:
                    return found
            if var != "LANGUAGE":
                return "en"
    return "en"


def resolve(flag: str | None, env: Mapping[str, str], setting: str | None = None) -> str:
    """--lang, else AGENTDESK_LANG, else `[ui] language`, else the locale environment.
    An explicit name without a catalogue is refused (UnknownLanguage) rather than ignored."""
    for given in (flag, env.get("AGENTDESK_LANG")):
        if given:
            if given == "auto":
                return from_environment(env)
            found = normalize(given)
            if found is None:
                raise UnknownLanguage(
                    f"no translation for language {given!r}: choose one of {', '.join(CHOICES)}"
                )
            return found
    if setting and setting != "auto":
        return normalize(setting) or "en"
    return from_environment(env)


def _load(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation("agentdesk", localedir=LOCALE_DIR, languages=[language])


_language = "en"
_translation: gettext.NullTranslations = gettext.NullTranslations()


def use(language: str) -> None:
    """Show strings in `language` from now on (one of LANGUAGES)."""
    global _language, _translation
    _translation = _load(language)
    _language = language


def current() -> str:
    return _language


def _(message: str) -> str:
    """Translate a user-facing string."""
    return _translation.gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    """The form for `n` ("1 ticket", "2 tickets"); a catalogue gives each language its own."""
    return _translation.ngettext(singular, plural, n)


def p_(context: str, message: str) -> str:
    """Translate a string whose words depend on where it is shown (the same English, another
    sentence in another language): `p_("age", "{n}h")`."""
    return _translation.pgettext(context, message)


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is written (a table of labels) and leaves it
    as it is; `_()` translates it where it is shown."""
    return message


# Until a command chooses, the environment decides (a module imported on its own, a test).
try:
    use(resolve(None, os.environ))
except (UnknownLanguage, OSError):
    use("en")
