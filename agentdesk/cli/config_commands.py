"""`agentdesk config init`: a commented starter config, where agentdesk will look for it."""

from __future__ import annotations

import os
from importlib import resources

import click

from agentdesk.cli.app import Context, Fail, main, pass_ctx
from agentdesk.config.settings import config_file_path
from agentdesk.file_modes import private_dir
from agentdesk.i18n import _


@main.group(help=_("The config file."))
def config() -> None:
    pass  # a group: its commands do the work


@config.command(
    help=_(
        "Write a starter config (every setting, commented) to the config path; never over an existing file."
    )
)
@pass_ctx
def init(c: Context) -> None:
    path = config_file_path(c.config)
    example = resources.files("agentdesk.config").joinpath("example.toml").read_text("utf-8")
    try:
        private_dir(path.parent)
        # O_EXCL: refuses a file (or a link) that is there, even one made a moment ago.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise Fail(
            _("{path}: a config file is already there; edit it, or move it away first").format(
                path=path
            ),
            2,
        ) from None
    except OSError as e:
        raise Fail(f"{path}: {e.strerror or e}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(example)
    click.echo(_("Wrote {path}").format(path=path))
    click.echo(
        _(
            "Next: set your [agent] name and e-mail, add your [[connectors]], then"
            " `agentdesk login NAME` for each one and `agentdesk doctor`."
        )
    )
