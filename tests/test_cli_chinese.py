"""The command line in Simplified Chinese: chosen by the locale, AGENTDESK_LANG, --lang or
`[ui] language`, for report, doctor, stats, click's own help words and the errors."""

from __future__ import annotations

import subprocess
import sys

from cli_support import clean_env


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = clean_env()
    for key in ("AGENTDESK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        base.pop(key, None)
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "agentdesk", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_by_team_and_doctor_have_chinese_headings_under_a_chinese_locale(filled):
    data = str(filled.data_dir)
    report = _run(
        "--data-dir", data, "report", "--since", "7d", "--by", "team", "--format", "table",
        LANG="zh_CN.UTF-8",
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert "KPI" in report.stdout and "按团队" in report.stdout
    for heading in ("已处理", "首次回复，中位数", "SLA 达成", "满意度", "积压"):
        assert heading in report.stdout, heading
    doctor = _run("--data-dir", data, "doctor", LANG="zh_CN.UTF-8")
    assert "正常 配置" in doctor.stdout and "数据目录" in doctor.stdout, doctor.stdout
    stats = _run("--data-dir", data, "stats", LANG="zh_CN.UTF-8")
    assert "个工单" in stats.stdout and "按渠道：" in stats.stdout and "微信" in stats.stdout


def test_the_flag_beats_the_variable_which_beats_the_locale(filled):
    data = str(filled.data_dir)
    english = _run("--lang", "en", "--data-dir", data, "stats", AGENTDESK_LANG="zh_CN")
    assert "tickets" in english.stdout and "个工单" not in english.stdout
    chinese = _run("--data-dir", data, "stats", AGENTDESK_LANG="zh_CN", LANG="en_US.UTF-8")
    assert "个工单" in chinese.stdout
    plain = _run("--data-dir", data, "stats", LANG="C.UTF-8")
    assert "tickets" in plain.stdout


def test_click_help_is_chinese_too():
    shown = _run("--help", LANG="zh_CN.UTF-8")
    assert shown.returncode == 0
    assert "用法：" in shown.stdout and "显示此帮助并退出。" in shown.stdout
    assert "打开坐席控制台" in shown.stdout  # a command's own help
    wrong = _run("no-such-command", LANG="zh_CN.UTF-8")
    assert wrong.returncode == 2 and "没有命令" in wrong.stderr


def test_an_unknown_language_is_one_clear_line(tmp_path):
    asked = _run("--lang", "fr", "stats", AGENTDESK_DATA_DIR=str(tmp_path))
    assert asked.returncode == 2
    assert asked.stderr.strip() == (
        "agentdesk: no translation for language 'fr': choose one of auto, en, zh_CN"
    )


def test_the_config_chooses_the_language_and_a_bad_one_names_the_key_and_line(filled, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[agent]\nname = "Kim"\n\n[ui]\nlanguage = "zh_CN"\n')
    chosen = _run("--config", str(config), "--data-dir", str(filled.data_dir), "stats",
                  LANG="C.UTF-8")  # fmt: skip
    assert "个工单" in chosen.stdout, chosen.stderr
    config.write_text('[agent]\nname = "Kim"\n\n[ui]\nlanguage = "fr"\n')
    bad = _run("--config", str(config), "--data-dir", str(filled.data_dir), "stats",
               LANG="C.UTF-8")  # fmt: skip
    assert bad.returncode == 2
    assert "ui.language" in bad.stderr and "line 5" in bad.stderr, bad.stderr
