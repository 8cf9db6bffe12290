"""The command group, its shared options, and how every command fails: one clear line on
stderr, exit 2 for configuration and usage problems (a bad key, a missing secret), 1 for
a cache or runtime problem, never a traceback."""

from __future__ import annotations

import dataclasses
import importlib
import sqlite3

import click

from agentdesk import __version__, i18n, startup_gc
from agentdesk.config.settings import ConfigError, Settings, load_settings
from agentdesk.i18n import _
from agentdesk.store.damage import CacheDamaged, is_damage, mark
from agentdesk.store.db import StoreError
from agentdesk.text import sanitize


class Fail(click.ClickException):
    """A one-line error and an exit code, never a traceback."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        # Errors carry what platforms said: no escape sequence reaches the terminal.
        click.echo(f"agentdesk: {sanitize(self.message)}", err=True)


@dataclasses.dataclass
class Context:
    config: str | None
    data_dir: str | None
    _settings: Settings | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config, self.data_dir)
            except ConfigError as e:
                raise Fail(str(e), 2) from None
        return self._settings


pass_ctx = click.make_pass_decorator(Context)


class Commands(click.Group):
    """The group: a damaged cache, wherever it is met, ends any command in one clear line.
    Commands named in `lazy_commands` are added by importing their module when first asked
    for (agentdesk/cli/main.py), so a command pays only for its own imports."""

    lazy_commands: dict[str, str]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = {}

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy_commands:
            importlib.import_module(f"agentdesk.cli.{self.lazy_commands[name]}")
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CacheDamaged as e:
            raise Fail(str(e)) from None
        except sqlite3.DatabaseError as e:
            if not is_damage(e) or not isinstance(ctx.obj, Context):
                raise
            raise Fail(str(mark(ctx.obj.settings().data_dir, str(e)))) from None


@click.group(
    cls=Commands,
    help=_("agentdesk: a keyboard-driven console for e-commerce customer service."),
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--config",
    "config",
    metavar="PATH",
    help=_("Config file (default: the platform's config dir; env AGENTDESK_CONFIG)."),
)
@click.option(
    "--data-dir",
    "data_dir",
    metavar="DIR",
    help=_("Data dir holding the cache (env AGENTDESK_DATA_DIR)."),
)
@click.option(
    "--lang",
    "lang",
    metavar="LANG",
    help=_("Language: auto, en or zh_CN (env AGENTDESK_LANG; config [ui] language)."),
)
@click.version_option(__version__, prog_name="agentdesk")
@click.pass_context
def main(ctx: click.Context, config: str | None, data_dir: str | None, lang: str | None) -> None:
    # The entry point has chosen the language already (agentdesk/cli/language.py); this is
    # for callers that run the group directly.
    if lang:
        try:
            i18n.use(i18n.resolve(lang, {}))
        except i18n.UnknownLanguage as e:
            raise Fail(str(e), 2) from None
    ctx.obj = Context(config, data_dir)
    if ctx.invoked_subcommand in _RELEASED_AT_ONCE:
        startup_gc.release()
    if ctx.invoked_subcommand is None:
        ctx.invoke(main.commands["console"])


# The collector's start-up pace (agentdesk/startup_gc.py) ends at once for the commands that
# run for long (the daemon, the web server) and for the bench, whose figures are those of a
# console past its first paint; the console and the monitor end it after their first paint;
# a one-shot command keeps it to its end (a 7-day report at a million tickets: 2.2 -> 1.8 s).
_RELEASED_AT_ONCE = {"sync", "serve", "bench"}

theme_option = click.option(
    "--theme", metavar="NAME", default=None, help=_("Theme for this session (see the palette).")
)


def open_store(settings: Settings, readonly: bool = False):
    """The cache for a command; a cache known to be damaged is refused even for reading (its
    figures could be wrong): `agentdesk salvage` reads it on purpose."""
    from agentdesk.store import damage
    from agentdesk.store.db import Store

    detail = damage.marked(settings.data_dir)
    if detail is not None:
        raise Fail(str(damage.CacheDamaged(settings.data_dir, detail)))
    try:
        return Store.open_dir(settings.data_dir, readonly=readonly)
    except StoreError as e:
        raise Fail(str(e)) from None
