"""Settings: find the config file, validate it, and build typed settings.

Precedence: command-line flags > environment (AGENTDESK_CONFIG, AGENTDESK_DATA_DIR) >
config file > defaults. With no config file at all the demo workspace is the default.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from agentdesk.config import schema
from agentdesk.config.automation import (
    DEFAULT_AUTOMATION,
    RuleFileError,
    checked_rules,
    rule_files,
)
from agentdesk.config.zone import system_zone_name
from agentdesk.connectors import registry
from agentdesk.i18n import _
from agentdesk.options import Key, SchemaError, check_table, check_value
from agentdesk.rules.assignment import AgentLanguages, TeamAssignment, parse_agents, parse_teams
from agentdesk.rules.bot import BotSettings, parse_bot
from agentdesk.rules.model import Rule
from agentdesk.sla.business_hours import HoursError, parse_calendar
from agentdesk.sla.policy import SLAPolicy

APP_NAME = "agentdesk"


class ConfigError(Exception):
    """A config problem worth one clear line to the user; the CLI exits 2 on it."""


@dataclass(frozen=True)
class AgentSettings:
    name: str
    email: str
    timezone: str
    idle_away_minutes: int

    @property
    def zone_name(self) -> str:
        """The agent's time zone, or the system's when the config names none."""
        return self.timezone or system_zone_name()

    @property
    def zone(self) -> dt.tzinfo:
        """Times are stored in UTC and shown in this zone."""
        return ZoneInfo(self.zone_name)


@dataclass(frozen=True)
class SyncSettings:
    pull_interval: int
    directory_interval: int
    outbox_poll: int
    request_timeout: int
    backoff_max: int


@dataclass(frozen=True)
class UISettings:
    theme: str
    sort: str
    sla_warning: int
    undo_window: int = 10
    language: str = "auto"


@dataclass(frozen=True)
class NotifySettings:
    enabled: bool = True
    assigned: bool = True
    customer_replied: bool = True
    sla_warning: bool = True
    mentions: bool = True
    snoozed: bool = True
    bell: bool = False
    desktop: str = "off"
    min_interval: int = 10


@dataclass(frozen=True)
class SnoozeSettings:
    day_starts: str = "09:00"  # HH:MM
    evening: str = "18:00"


@dataclass(frozen=True)
class ConnectorSettings:
    type: str
    name: str
    enabled: bool
    pull_interval: int | None
    options: dict[str, Any]  # the type-specific keys, validated
    index: int  # position in the file, for error messages: connectors[index]
    platform: str = ""  # the platform's name for people, from the type's package
    ops: frozenset[str] = frozenset()  # the op kinds the platform can carry
    reply_status: str | None = None  # what a reply does to the ticket's status there
    statuses: frozenset[str] | None = None  # the statuses it can set; None: all
    statuses_note: str = ""  # why the others cannot be set


@dataclass(frozen=True)
class SavedView:
    name: str
    query: str


@dataclass(frozen=True)
class Settings:
    config_path: Path | None  # None: no file, the embedded demo default
    data_dir: Path
    agent: AgentSettings
    sync: SyncSettings
    ui: UISettings
    connectors: tuple[ConnectorSettings, ...]
    views: tuple[SavedView, ...]
    sla_policies: tuple[SLAPolicy, ...]
    keymap: dict[str, str] = field(default_factory=dict)
    # Teams whose tickets are pre-sales conversations (a word in the team's name or id).
    presales_teams: tuple[str, ...] = ("pre-sales", "presales", "售前")
    # Automation, from [[rules]] and <config dir>/rules/*.toml, in that order.
    rules: tuple[Rule, ...] = ()
    # Auto-assignment: each team's mode ([[teams]]) and the languages agents speak ([[agents]]).
    team_assignment: tuple[TeamAssignment, ...] = ()
    agent_languages: tuple[AgentLanguages, ...] = ()
    bot: BotSettings = field(default_factory=BotSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    snooze: SnoozeSettings = field(default_factory=SnoozeSettings)

    @property
    def config_dir(self) -> Path:
        return self.config_path.parent if self.config_path else default_config_path().parent


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def config_file_path(
    config_flag: str | os.PathLike | None = None, environ: dict[str, str] | None = None
) -> Path:
    """Where the config file is: --config, else AGENTDESK_CONFIG, else the config dir."""
    env = os.environ if environ is None else environ
    explicit = config_flag or env.get("AGENTDESK_CONFIG")
    return Path(explicit).expanduser() if explicit else default_config_path()


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


# The embedded default: what runs when no config file exists. Mirrors config.example.toml,
# except that the demo's clocks run round the clock (its traffic does too).
DEFAULT_SLA_POLICIES: list[dict[str, Any]] = [
    {
        "name": "Live chat",
        "channels": ["chat", "wechat", "weibo", "sms"],
        "first_response": "5m",
        "next_response": "10m",
        "resolution": "1d",
    },
    {
        "name": "Amazon A-to-z claims",
        "tags": ["a-to-z"],
        "first_response": "7d",
        "resolution": "7d",
        "clock_starts": "claim_at",
        "pause_when_pending": False,
    },
    {
        "name": "Marketplace messages",
        "channels": ["amazon"],
        "first_response": "1d",
        "next_response": "1d",
        "resolution": "3d",
    },
    {
        "name": "E-mail and forms",
        "channels": ["email", "webform", "phone", "helpdesk"],
        "first_response": "4h",
        "next_response": "8h",
        "resolution": "3d",
    },
]
DEFAULT_CONFIG: dict[str, Any] = {
    "connectors": [{"type": "demo", "name": "demo"}],
    "sla": {"policies": DEFAULT_SLA_POLICIES},
    **DEFAULT_AUTOMATION,
}


def locate_line(text: str, path: str) -> int | None:
    """Best-effort line number of a dotted key path such as connectors[1].type.

    tomllib reports positions only for syntax errors; for a value that parses but is
    wrong we walk the table headers so the message can still point at a line.
    """
    parts = re.findall(r"([^.\[\]]+)(?:\[(\d+)\])?", path)
    if not parts:
        return None
    lines = text.splitlines()
    # Find the table the key lives in, then the key inside it.
    table: list[str] = []
    counts: dict[str, int] = {}
    best: int | None = None
    target_table = []
    target_index: int | None = None
    for name, idx in parts[:-1]:
        target_table.append(name)
        if idx:
            target_index = int(idx)
    leaf, leaf_idx = parts[-1]
    if leaf_idx:  # the path names an array-of-tables item itself, e.g. connectors[1]
        target_table.append(leaf)
        target_index = int(leaf_idx)
        leaf = ""
    current_index: int | None = None
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        header = re.match(r"^\[\[\s*([^\]]+?)\s*\]\]", line) or re.match(
            r"^\[\s*([^\]]+?)\s*\]", line
        )
        if header:
            table = [p.strip().strip('"') for p in header.group(1).split(".")]
            if line.startswith("[["):
                key = ".".join(table)
                counts[key] = counts.get(key, -1) + 1
                current_index = counts[key]
            else:
                current_index = None
            if table == target_table and (target_index is None or current_index == target_index):
                best = lineno
                if not leaf:
                    return lineno
            continue
        if (
            leaf
            and table == target_table
            and (target_index is None or current_index == target_index)
        ):
            if re.match(rf'^"?{re.escape(leaf)}"?\s*=', line):
                return lineno
        if (
            leaf
            and not target_table
            and not table
            and re.match(rf'^"?{re.escape(leaf)}"?\s*=', line)
        ):
            return lineno
    return best


_CLOCK = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")


def _fail(file: Path | str, path: str, message: str, text: str | None) -> ConfigError:
    line = locate_line(text, path) if text else None
    where = _(" (line {line})").format(line=line) if line else ""
    return ConfigError(f"{file}: {path}: {message}{where}")


def _build(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate the raw TOML dict section by section; raise SchemaError with the key path."""
    top = check_table(schema.TOP_LEVEL, raw, "")
    agent = check_table(schema.AGENT, top["agent"], "agent")
    if agent["timezone"]:
        try:
            ZoneInfo(agent["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise SchemaError(
                "agent.timezone",
                _(
                    'unknown time zone "{zone}" (expected a name such as "Asia/Shanghai" or "Europe/London")'
                ).format(zone=agent["timezone"]),
            ) from None
    sync = check_table(schema.SYNC, top["sync"], "sync")
    ui = check_table(schema.UI, top["ui"], "ui")
    snooze = check_table(schema.SNOOZE, top["snooze"], "snooze")
    for key, value in snooze.items():
        if not _CLOCK.fullmatch(value):
            raise SchemaError(f"snooze.{key}", _('expected a time of day such as "09:00"'))
    keymap = {}
    for binding_id, keys in top["keymap"].items():
        keymap[binding_id] = check_value(Key("str"), keys, f"keymap.{binding_id}")
    views = []
    for i, v in enumerate(top["views"]):
        checked = check_table(schema.VIEW, v, f"views[{i}]")
        views.append(SavedView(checked["name"], checked["query"]))
    sla = check_table(schema.SLA_SECTION, top["sla"], "sla")
    policies = []
    for i, p in enumerate(sla["policies"]):
        c = check_table(schema.SLA_POLICY, p, f"sla.policies[{i}]")
        try:
            calendar = parse_calendar(
                c["business_hours"],
                c["holidays"],
                c["timezone"] or agent["timezone"] or system_zone_name(),
            )
        except HoursError as e:
            key = (
                "holidays"
                if "holiday" in str(e)
                else "timezone"
                if "time zone" in str(e)
                else "business_hours"
            )
            raise SchemaError(f"sla.policies[{i}].{key}", str(e)) from None
        policies.append(
            SLAPolicy(
                name=c["name"],
                channels=tuple(c["channels"]),
                teams=tuple(c["teams"]),
                priorities=tuple(c["priorities"]),
                tags=tuple(c["tags"]),
                first_response=c["first_response"],
                next_response=c["next_response"],
                resolution=c["resolution"],
                pause_when_pending=c["pause_when_pending"],
                clock_starts=c["clock_starts"],
                calendar=calendar,
                warning=c["warning"],
            )
        )
    connectors = _connectors(top["connectors"])
    return {
        "data_dir": top["data_dir"],
        "agent": AgentSettings(**agent),
        "sync": SyncSettings(**sync),
        "ui": UISettings(**ui),
        "keymap": keymap,
        "views": tuple(views),
        "sla_policies": tuple(policies),
        "connectors": tuple(connectors),
        "presales_teams": tuple(check_table(schema.KPI, top["kpi"], "kpi")["presales_teams"]),
        "rules": checked_rules(top["rules"], policies),
        "team_assignment": parse_teams(top["teams"]),
        "agent_languages": parse_agents(top["agents"]),
        "bot": parse_bot(top["bot"]),
        "notify": NotifySettings(**check_table(schema.NOTIFY, top["notify"], "notify")),
        "snooze": SnoozeSettings(**snooze),
    }


def _connectors(tables: list[Any]) -> tuple[ConnectorSettings, ...]:
    """Each [[connectors]] table checked against its type's own keys, from its package."""
    out = []
    seen: set[str] = set()
    for i, c in enumerate(tables):
        path = f"connectors[{i}]"
        if not isinstance(c, dict):
            raise SchemaError(path, _("expected a table"))
        ctype = c.get("type")
        if ctype is None:
            raise SchemaError(f"{path}.type", _("missing required key"))
        try:
            spec = registry.spec_for(ctype)
        except registry.UnknownConnectorType as e:
            raise SchemaError(f"{path}.type", str(e)) from None
        checked = check_table({**schema.CONNECTOR_COMMON, **spec.all_options()}, c, path)
        name = checked["name"]
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name):
            raise SchemaError(
                f"{path}.name",
                _("expected letters, digits, '-', '_' or '.', got {name!r}").format(name=name),
            )
        if name in seen:
            raise SchemaError(
                f"{path}.name", _('duplicate connector name "{name}"').format(name=name)
            )
        seen.add(name)
        out.append(
            ConnectorSettings(
                type=ctype,
                name=name,
                enabled=checked["enabled"],
                pull_interval=checked["pull_interval"],
                options={k: v for k, v in checked.items() if k not in schema.CONNECTOR_COMMON},
                index=i,
                platform=spec.platform,
                ops=spec.ops,
                reply_status=spec.reply_status,
                statuses=spec.statuses,
                statuses_note=spec.statuses_note,
            )
        )
    return tuple(out)


def load_settings(
    config_flag: str | os.PathLike | None = None,
    data_dir_flag: str | os.PathLike | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Resolve the config file and data dir by precedence and return validated settings."""
    env = os.environ if environ is None else environ
    path = config_file_path(config_flag, env)
    text: str | None = None
    if path.is_symlink() and not path.exists():
        # A link to nothing or a loop of links: someone meant a config to be here.
        raise ConfigError(f"{path}: " + _("a link that leads to no file"))
    if path.exists():
        if not path.is_file():  # a FIFO would block the read for ever, a directory fails
            raise ConfigError(f"{path}: " + _("not a regular file"))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: " + _("cannot read the config file") + f": {e}") from None
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: " + _("not valid TOML") + f": {e}") from None
        except RecursionError:
            raise ConfigError(f"{path}: " + _("not valid TOML: nested too deeply")) from None
        config_path: Path | None = path
    elif config_flag or env.get("AGENTDESK_CONFIG"):
        raise ConfigError(f"{path}: " + _("no such config file"))
    else:
        raw, config_path = DEFAULT_CONFIG, None
    if "sla" not in raw and config_path is not None:
        raw = {**raw, "sla": {"policies": DEFAULT_SLA_POLICIES}}
    try:
        built = _build(raw)
    except SchemaError as e:
        raise _fail(path, e.path, e.message, text) from None
    config_dir = config_path.parent if config_path else default_config_path().parent
    try:
        built["rules"] = built["rules"] + rule_files(config_dir / "rules", built["rules"])
    except RuleFileError as e:
        if e.key is None:
            raise ConfigError(f"{e.path}: {e.message}") from None
        raise _fail(e.path, e.key, e.message, e.text) from None
    data_dir_raw = data_dir_flag or env.get("AGENTDESK_DATA_DIR") or built.pop("data_dir") or ""
    built.pop("data_dir", None)
    data_dir = Path(data_dir_raw).expanduser() if data_dir_raw else default_data_dir()
    if (
        config_path is not None
        and not data_dir.is_absolute()
        and not (data_dir_flag or env.get("AGENTDESK_DATA_DIR"))
    ):
        data_dir = (
            config_path.parent / data_dir
        )  # a relative data_dir in the file is relative to it
    return Settings(config_path=config_path, data_dir=data_dir, **built)
