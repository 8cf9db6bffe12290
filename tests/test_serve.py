"""`agentdesk serve` in a real browser: Debian's Chromium, driven by its ChromeDriver
(scripts/install-test-servers installs both), opens the page, the console comes up on the
demo shop, and keys typed into the page reach it: `j`, `r`, a reply, ctrl+s, and the reply
is queued in the cache. A screenshot is kept in the test's temp dir."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_support import clean_env
from servers.net import free_port, wait_for_port

from agentdesk.store.db import Store

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.skipif(
        not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)),
        reason="Chromium and its driver are not installed (scripts/install-test-servers)",
    ),
    pytest.mark.timeout(240),
]

REPLY = "Sent from a browser 浏览器发出"


def _agentdesk(*args: str, **kwargs) -> list[str]:
    return [sys.executable, "-m", "agentdesk", *args]


def _browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # A closed network: Chromium must not go looking for Google's services.
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def _wait(what: str, check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _one(data: Path, sql: str, params=()):
    with Store.open_dir(data, readonly=True) as store:
        return store.one(sql, params)


@pytest.fixture
def served(tmp_path):
    data = tmp_path / "data"
    env = clean_env(HOME=str(tmp_path), AGENTDESK_DATA_DIR="")
    subprocess.run(
        _agentdesk("--data-dir", str(data), "demo", "--no-console", "--seed", "3"),
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    server = subprocess.Popen(
        _agentdesk("--data-dir", str(data), "serve", "--demo", "--port", str(port)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # the browser sessions' consoles are its children
    )
    try:
        wait_for_port(port)
        yield data, port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_the_console_in_a_browser_takes_a_reply(served, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    data, port = served
    browser = _browser(tmp_path / "profile")
    try:
        browser.set_page_load_timeout(30)
        browser.get(f"http://127.0.0.1:{port}/")
        _wait(
            "the console's first bytes",
            lambda: (
                "-first-byte"
                in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or "")
            ),
        )
        # The console is up when its agent is online in the cache it shares.
        me = "agent@shop.example"
        _wait(
            "the console to come online",
            lambda: _one(
                data, "SELECT 1 FROM agents WHERE email = ? AND presence = 'online'", (me,)
            ),
        )
        # The inbox reads its first page and says which ticket is under the cursor.
        viewing = "SELECT viewing_ticket_id FROM agents WHERE email = ?"
        first = _wait("the inbox", lambda: (row := _one(data, viewing, (me,))) and row[0])
        # Keys go to the terminal's input (xterm.js listens on a hidden textarea); focused,
        # not clicked: a click is a mouse event in the console.
        browser.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
        keys = ActionChains(browser)
        keys.send_keys("j").perform()
        tid = _wait(
            "the cursor on the next ticket",
            lambda: (row := _one(data, viewing, (me,))) and row[0] != first and row[0],
        )
        keys = ActionChains(browser)
        keys.send_keys("r").pause(1).send_keys(REPLY).pause(0.5)
        keys.key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
        queued = _wait(
            "the reply in the outbox",
            lambda: _one(
                data,
                "SELECT m.ticket_id, o.kind FROM messages m JOIN outbox o ON o.message_id = m.id"
                " WHERE m.body = ?",
                (REPLY,),
            ),
        )
        browser.save_screenshot(str(tmp_path / "served-console.png"))
        assert tuple(queued) == (tid, "reply")
        assert (tmp_path / "served-console.png").stat().st_size > 10_000
    finally:
        browser.save_screenshot(str(tmp_path / "served-console.png"))  # kept, failed or not
        browser.quit()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_serving_beyond_loopback_warns_that_there_is_no_login(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        _agentdesk(
            "--data-dir",
            str(tmp_path / "d"),
            "serve",
            "--demo",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
        ),  # fmt: skip
        env=clean_env(HOME=str(tmp_path)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_port(port)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _out, err = server.communicate(timeout=20)
    assert "textual-serve has no login of its own" in err
    assert "SSH tunnel" in err
