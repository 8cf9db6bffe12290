"""The Textual app: owns settings and the reader connection, pushes the main screen."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from agentdesk.config import Settings
from agentdesk.store.db import Store
from agentdesk.ui.screens.main import MainScreen
from agentdesk.ui.themes import install_themes


class AgentDeskApp(App):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "agentdesk"

    def __init__(self, settings: Settings, *, engine_in_process: bool = False):
        super().__init__()
        self.settings = settings
        self.engine_in_process = engine_in_process
        self.store = Store.open_dir(settings.data_dir)
        self.sub_title = str(settings.data_dir)

    def on_mount(self) -> None:
        for problem in install_themes(self, self.settings.config_dir, self.settings.ui.theme):
            self.notify(problem, severity="warning", timeout=10)
        keymap = dict(self.settings.keymap)
        if keymap:
            self.set_keymap(keymap)
        self.push_screen(MainScreen())

    def on_unmount(self) -> None:
        self.store.close()
