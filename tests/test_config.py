from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentdesk.config.settings import ConfigError, load_settings

GOOD = """
data_dir = "from-file"
[agent]
name = "Ana"
email = "ana@shop.example"

[[connectors]]
type = "demo"
name = "shop"
seed = 9
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_no_config_file_runs_the_demo(tmp_path):
    s = load_settings(None, tmp_path / "d", environ={"HOME": str(tmp_path)})
    assert s.config_path is None
    assert [c.type for c in s.connectors] == ["demo"]
    assert s.data_dir == tmp_path / "d"
    assert s.sla_policies, "the embedded default carries SLA presets"


def test_file_values_are_typed(tmp_path):
    cfg = write(tmp_path, GOOD)
    s = load_settings(cfg, None, environ={})
    assert s.agent.name == "Ana"
    assert s.connectors[0].options["seed"] == 9
    assert s.connectors[0].options["rate"] == 6.0  # the default fills in
    assert s.sync.pull_interval == 5
    assert s.data_dir == tmp_path / "from-file"  # relative to the config file


def test_precedence_flag_over_env_over_file(tmp_path):
    cfg = write(tmp_path, GOOD)
    env = {"AGENTDESK_DATA_DIR": str(tmp_path / "from-env"), "AGENTDESK_CONFIG": str(cfg)}
    assert load_settings(None, None, environ=env).data_dir == tmp_path / "from-env"
    assert (
        load_settings(None, tmp_path / "from-flag", environ=env).data_dir == tmp_path / "from-flag"
    )
    other = tmp_path / "other.toml"
    other.write_text('[agent]\nname = "Flag"\n')
    assert (
        load_settings(other, None, environ=env).agent.name == "Flag"
    )  # --config beats AGENTDESK_CONFIG
    assert load_settings(None, None, environ=env).agent.name == "Ana"


def test_defaults_come_from_platformdirs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdgc"))
    s = load_settings(None, None, environ={})
    assert s.data_dir == tmp_path / "xdg" / "agentdesk"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            '[[connectors]]\ntype = "demo"\nname = "a"\n\n[[connectors]]\ntype = "zendsk"\nname = "b"\n',
            'connectors[1].type: unknown connector type "zendsk" (this agentdesk has: chatwoot, demo, email, freshdesk, rt, zendesk) (line 6)',
        ),
        (
            # A platform planned but not built is refused at load, not when the engine starts.
            '[[connectors]]\ntype = "intercom"\nname = "ic"\nurl = "https://x"\n',
            'connectors[0].type: unknown connector type "intercom" (this agentdesk has: chatwoot, demo, email, freshdesk, rt, zendesk) (line 2)',
        ),
        (
            '[[connectors]]\ntype = "freshdesk"\nname = "fd"\n',
            "connectors[0].url: missing required key (line 1)",
        ),
        (
            '[[connectors]]\ntype = "chatwoot"\nname = "cw"\nurl = "https://x"\naccount_id = 1\n'
            'inboxes = ["web"]\n',
            "connectors[0].inboxes: expected a list of integers, got a list (line 6)",
        ),
        (
            # A built one checks its own keys.
            '[[connectors]]\ntype = "zendesk"\nname = "zd"\nurl = "https://x"\n',
            "connectors[0].email: missing required key (line 1)",
        ),
        (
            '[agent]\nnmae = "x"\n',
            "agent.nmae: unknown key (expected one of: name, email, timezone, idle_away_minutes) (line 2)",
        ),
        (
            '[sync]\npull_interval = "soon"\n',
            'sync.pull_interval: expected a duration such as "15m", "8h" or "7d", got \'soon\' (line 2)',
        ),
        (
            '[agent]\nidle_away_minutes = "ten"\n',
            "agent.idle_away_minutes: expected an integer, got a string (line 2)",
        ),
        (
            '[[connectors]]\ntype = "rt"\nname = "rt"\n',
            "connectors[0].url: missing required key (line 1)",
        ),
        (
            '[ui]\nsort = "random"\n',
            "ui.sort: expected one of: sla, updated, created, got 'random' (line 2)",
        ),
        (
            '[[connectors]]\ntype = "demo"\nname = "a"\n[[connectors]]\ntype = "demo"\nname = "a"\n',
            'connectors[1].name: duplicate connector name "a" (line 6)',
        ),
    ],
)
def test_bad_config_names_file_key_and_line(tmp_path, text, expected):
    cfg = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_settings(cfg, None, environ={})
    assert str(e.value) == f"{cfg}: {expected}"


def test_toml_syntax_error_has_position(tmp_path):
    cfg = write(tmp_path, '[agent]\nname = "unterminated\n')
    with pytest.raises(ConfigError, match=r"not valid TOML: .*line 2"):
        load_settings(cfg, None, environ={})


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_settings(tmp_path / "nope.toml", None, environ={})


def run_cli(
    *args: str, env: dict | None = None, input: str | None = None
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "agentdesk", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=120,
    )


def test_cli_bad_config_exits_2_with_one_line(tmp_path):
    cfg = write(tmp_path, '[[connectors]]\ntype = "zendsk"\nname = "z"\n')
    r = run_cli("--config", str(cfg), "--data-dir", str(tmp_path / "d"), "stats")
    assert r.returncode == 2
    assert (
        r.stderr.strip()
        == f'agentdesk: {cfg}: connectors[0].type: unknown connector type "zendsk" (this agentdesk has: chatwoot, demo, email, freshdesk, rt, zendesk) (line 2)'
    )
    assert "Traceback" not in r.stderr


def test_missing_secret_is_a_clear_error(tmp_path):
    cfg = write(
        tmp_path,
        '[[connectors]]\ntype = "rt"\nname = "rt-main"\nurl = "http://127.0.0.1:9"\nusername = "a"\n',
    )
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    message = 'connector "rt-main": no secret stored; run `agentdesk login rt-main` (or set AGENTDESK_SECRET_RT_MAIN)'
    r = run_cli("--config", str(cfg), "--data-dir", str(tmp_path / "d"), "sync", "--once", env=env)
    assert r.returncode == 2
    assert r.stderr.strip() == f"agentdesk: {message}"
    r = run_cli("--config", str(cfg), "--data-dir", str(tmp_path / "d"), "doctor", env=env)
    assert r.returncode == 1
    assert message in r.stdout


def test_secret_env_var_overrides_keyring(monkeypatch):
    from agentdesk.secrets import SecretMissing, env_var_name, get_secret

    assert env_var_name("shop-mail") == "AGENTDESK_SECRET_SHOP_MAIL"
    assert get_secret("shop-mail", environ={"AGENTDESK_SECRET_SHOP_MAIL": "s3cret"}) == "s3cret"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    with pytest.raises(SecretMissing, match="agentdesk login shop-mail"):
        get_secret("shop-mail", environ={})


def test_example_config_is_valid():
    root = Path(__file__).resolve().parent.parent
    s = load_settings(root / "config.example.toml", None, environ={})
    types = {c.type for c in s.connectors}
    assert {"demo", "email", "rt"} <= types
    assert any(p.clock_starts == "claim_at" for p in s.sla_policies)


def test_example_config_shows_every_connector_type_with_all_its_keys():
    """The example is checked against what each connector package declares: a type that
    exists is shown, with each of its keys, and nothing else is (loading refuses that)."""
    import tomllib

    from agentdesk.connectors import registry

    raw = tomllib.loads(
        (Path(__file__).resolve().parent.parent / "config.example.toml").read_text()
    )
    shown: dict[str, set[str]] = {}
    for table in raw["connectors"]:
        shown.setdefault(table["type"], set()).update(table)
    assert set(shown) == set(registry.specs())
    for type_name, spec in registry.specs().items():
        missing = set(spec.options) - shown[type_name]
        assert not missing, f"config.example.toml shows no {sorted(missing)} for {type_name}"


def test_time_zone_is_checked_and_used(tmp_path):
    cfg = write(tmp_path, '[agent]\ntimezone = "Asia/Shanghai"\n')
    zone = load_settings(cfg, None, environ={}).agent.zone
    from agentdesk.query import parse

    assert (
        parse("after:2026-11-01", zone).after == 1793462400
    )  # 2026-10-31T16:00Z: midnight in Shanghai
    cfg = write(tmp_path, '[agent]\ntimezone = "Mars/Olympus"\n')
    with pytest.raises(
        ConfigError, match=r'agent.timezone: unknown time zone "Mars/Olympus".*\(line 2\)'
    ):
        load_settings(cfg, None, environ={})
