"""Request Tracker as a contract platform: a real RT 5 on 127.0.0.1; its ticket history is
what the platform recorded."""

from __future__ import annotations

import base64
from pathlib import Path

from servers import rt
from servers.stall_proxy import StallProxy

from agentdesk.ops import Assign, Change, Note, Reply, SetPriority, SetStatus, Transfer
from agentdesk.store.db import Store
from contract.harness import Expected, Harness

_RT_STATUS = {"pending": "stalled", "open": "open", "solved": "resolved", "new": "new"}
_RT_PRIORITY = {"low": "10", "normal": "0", "high": "70", "urgent": "95"}


class RTHarness(Harness):
    type = name = "rt"
    history_size = 60  # RT files about ten tickets a second; 25 a batch

    def __init__(self, root: Path, template: Path):
        super().__init__(root)
        self.server = rt.start(template)
        self.proxy: StallProxy | None = None

    def connector_table(self) -> str:
        return (
            f'[[connectors]]\ntype = "rt"\nname = "rt"\nurl = "{self.url}"\n'
            'username = "agent1"\nqueues = ["General", "Returns"]\n'
        )

    @property
    def url(self) -> str:
        return self.proxy.url if self.proxy else self.server.url

    def env(self) -> dict[str, str]:
        return {"AGENTDESK_SECRET_RT": rt.AGENT_PASSWORD}

    can_stall = True

    def enable_stall(self) -> None:
        self.proxy = StallProxy(self.server.port)

    def stall(self, on: bool = True) -> None:
        # RT gets and commits a reply; the answer to it waits. Logins and reads go on.
        self.proxy.stall(on, b"/correspond")

    def customer_writes(self, subject, body, attachment=None) -> str:
        ticket = {
            "Queue": "General",
            "Subject": subject,
            "Requestor": "wang.fang@example.cn",
            "Content": body,
            "ContentType": "text/plain",
        }
        if attachment is not None:
            name, content = attachment
            ticket["Attachments"] = [
                {
                    "FileName": name,  # RT 5.0.3 answers 500 to a non-ASCII name here
                    "FileType": "image/png",
                    "FileContent": base64.b64encode(content).decode(),
                }
            ]
        with self.server.form_client() as c:
            r = c.post("/ticket", json=ticket)
            r.raise_for_status()
            return str(r.json()["id"])

    def customer_answers(self, ref: str, body: str) -> None:
        with self.server.form_client() as c:
            c.post(
                f"/ticket/{ref}/correspond", json={"Content": body, "ContentType": "text/plain"}
            ).raise_for_status()

    def prepare_history(self, n: int) -> None:
        with self.server.form_client() as c:
            for i in range(n):
                c.post(
                    "/ticket",
                    json={
                        "Queue": "General",
                        "Subject": f"History {i:04d}",
                        "Requestor": "wang.fang@example.cn",
                        "Content": f"History message {i:04d}",
                        "ContentType": "text/plain",
                    },
                ).raise_for_status()

    def local_id(self, store: Store, ref: str) -> int:
        return store.one(
            "SELECT id FROM tickets WHERE connector = ? AND remote_id = ?", (self.name, ref)
        )[0]

    def _history(self, ref: str) -> list[dict]:
        with self.server.root_client() as c:
            items = c.get(
                f"/ticket/{ref}/history",
                params={"fields": "Type,Field,OldValue,NewValue,Creator", "per_page": 100},
            ).json()["items"]
            for x in items:
                if x["Type"] in ("Correspond", "Comment"):
                    parts = c.get(
                        f"/transaction/{x['id']}/attachments", params={"fields": "Content"}
                    ).json()["items"]
                    x["Content"] = "".join(p.get("Content") or "" for p in parts).strip()
            return items

    def _user_id(self, name: str) -> str:
        with self.server.root_client() as c:
            return str(c.get(f"/user/{name}").json()["id"])

    def _queue_id(self, name: str) -> str:
        with self.server.root_client() as c:
            return str(c.get(f"/queue/{name}").json()["id"])

    def landed(self, ref: str, change: Change, op_uuid: str) -> int:
        ours = [x for x in self._history(ref) if (x.get("Creator") or {}).get("id") == "agent1"]

        def count(kind: str, field: str | None, value: str) -> int:
            return sum(
                1
                for x in ours
                if x["Type"] == kind
                and (field is None or x.get("Field") == field)
                and str(x.get("NewValue")) == value
            )

        match change:
            case Reply(body=body):
                return sum(1 for x in ours if x["Type"] == "Correspond" and x["Content"] == body)
            case Note(body=body):
                return sum(1 for x in ours if x["Type"] == "Comment" and x["Content"] == body)
            case SetStatus(status=status):
                return count("Status", None, _RT_STATUS[status])
            case SetPriority(priority=priority):
                return count("Set", "Priority", _RT_PRIORITY[priority])
            case Assign(agent=agent):
                return sum(
                    1
                    for x in ours
                    if x["Type"] in ("Set", "Take", "Steal", "Give")
                    and x.get("Field") == "Owner"
                    and str(x.get("NewValue")) == self._user_id(agent.remote_id)
                )
            case Transfer(team=team):
                return count("Set", "Queue", self._queue_id(team.name))
        raise AssertionError(f"no way to see {change} on RT")

    def expected_directory(self) -> Expected:
        return Expected(agents={"Mia Agent"}, teams={"General", "Returns"})

    transfer_team = "Returns"

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server.start()

    def close(self) -> None:
        if self.proxy is not None:
            self.proxy.close()
        self.server.close()
