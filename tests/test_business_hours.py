"""SLA clocks that count working time: business hours, holidays, zones, config errors."""

from __future__ import annotations

import datetime as dt

import pytest

from agentdesk.config.settings import ConfigError, load_settings
from agentdesk.sla.business_hours import HoursError, add_working_time, parse_calendar
from agentdesk.sla.policy import TicketClock, due_times

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(text: str) -> int:
    """A wall-clock time in Shanghai, as epoch seconds."""
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).timestamp())


WEEKDAYS = parse_calendar(["Mon-Fri 09:00-18:00"], ["2026-10-01"], "Asia/Shanghai")


def test_inside_hours_counts_straight():
    # Tuesday 10:00 + 15 minutes
    assert add_working_time(at("2026-11-17T10:00"), 900, WEEKDAYS) == at("2026-11-17T10:15")


def test_friday_evening_rolls_to_monday():
    assert add_working_time(at("2026-11-20T17:55"), 900, WEEKDAYS) == at("2026-11-23T09:10")


def test_arriving_at_night_starts_at_opening():
    assert add_working_time(at("2026-11-17T23:30"), 3600, WEEKDAYS) == at("2026-11-18T10:00")


def test_a_holiday_is_skipped():
    # Wednesday 30 Sep 17:00, 2 working hours: 1 h that day, 1 Oct is a holiday, then Friday.
    assert add_working_time(at("2026-09-30T17:00"), 7200, WEEKDAYS) == at("2026-10-02T10:00")


def test_split_days_and_weekends():
    cal = parse_calendar(
        ["Mon-Fri 09:00-12:00", "Mon-Fri 13:00-18:00", "Sat 10:00-14:00"], [], "UTC"
    )
    utc = lambda s: int(dt.datetime.fromisoformat(s + "+00:00").timestamp())  # noqa: E731
    assert add_working_time(utc("2026-11-17T11:30"), 3600, cal) == utc("2026-11-17T13:30")
    assert add_working_time(utc("2026-11-20T17:30"), 3600, cal) == utc("2026-11-21T10:30")


def test_round_the_clock_without_hours():
    assert parse_calendar([], [], "UTC") is None
    assert add_working_time(1000, 60, None) == 1060


@pytest.mark.parametrize(
    ("hours", "holidays", "zone", "message"),
    [
        (["Weekdays 9-5"], [], "UTC", "Mon-Fri 09:00-18:00"),
        (["Mon-Fri 18:00-09:00"], [], "UTC", "end after it starts"),
        (["Mon-Fry 09:00-18:00"], [], "UTC", "days are written"),
        (["Mon 25:00-26:00"], [], "UTC", "not a time of day"),
        (["Mon 09:00-18:00"], ["1 Oct"], "UTC", "holidays are dates"),
        (["Mon 09:00-18:00"], [], "Mars/Olympus", "unknown time zone"),
    ],
)
def test_bad_values_are_refused_with_a_reason(hours, holidays, zone, message):
    with pytest.raises(HoursError, match=message):
        parse_calendar(hours, holidays, zone)


def test_config_error_names_the_key_and_line(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sla.policies]]\nname = "Chat"\nchannels = ["chat"]\nfirst_response = "15m"\n'
        'business_hours = ["Mon-Fri 9am-6pm"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as e:
        load_settings(config, tmp_path / "data", environ={})
    assert "sla.policies[0].business_hours" in str(e.value) and "line 5" in str(e.value)


def test_policy_due_times_use_working_time(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sla.policies]]\nname = "E-mail"\nchannels = ["email"]\nfirst_response = "4h"\n'
        'resolution = "16h"\nbusiness_hours = ["Mon-Fri 09:00-18:00"]\n'
        'timezone = "Asia/Shanghai"\nholidays = ["2026-11-23"]\n',
        encoding="utf-8",
    )
    policies = load_settings(config, tmp_path / "data", environ={}).sla_policies
    friday_4pm = at("2026-11-20T16:00")
    clock = TicketClock("email", None, "normal", (), "open", friday_4pm, None, friday_4pm, None, {})
    due = due_times(policies, clock)
    # 2 h on Friday; Monday is a holiday; 2 h on Tuesday.
    assert due.first == at("2026-11-24T11:00")
    # 16 h: 2 on Friday, 9 on Tuesday, 5 on Wednesday.
    assert due.resolve == at("2026-11-25T14:00")


@pytest.fixture
def system_zone(monkeypatch):
    """Set the system's zone as the OS would (TZ), for this test only."""
    import tzlocal

    from agentdesk.config.zone import system_zone_name

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        tzlocal.reload_localzone()
        system_zone_name.cache_clear()

    yield set_zone
    monkeypatch.undo()
    tzlocal.reload_localzone()
    system_zone_name.cache_clear()


def test_with_no_zone_configured_the_hours_are_the_systems(tmp_path, system_zone):
    """A mail at 10:00 Beijing time, a 4-hour target, no `timezone` anywhere, on a machine
    in Beijing: due at 14:00 Beijing time (it was 21:00 when UTC stood in)."""
    system_zone("Asia/Shanghai")
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sla.policies]]\nname = "E-mail"\nchannels = ["email"]\nfirst_response = "4h"\n'
        'business_hours = ["Mon-Fri 09:00-18:00"]\n',
        encoding="utf-8",
    )
    settings = load_settings(config, tmp_path / "data", environ={})
    assert settings.agent.zone_name == "Asia/Shanghai"
    mon_10am = at("2026-11-23T10:00")
    clock = TicketClock("email", None, "normal", (), "open", mon_10am, None, mon_10am, None, {})
    assert due_times(settings.sla_policies, clock).first == at("2026-11-23T14:00")


def test_at_risk_view_uses_each_policys_warning_window(tmp_path):
    import time

    from agentdesk.model import Customer, PullBatch, Ticket
    from agentdesk.store import reads
    from agentdesk.store.db import Store
    from agentdesk.store.ingest import apply_batch
    from agentdesk.store.views import builtin_views

    config = tmp_path / "config.toml"
    config.write_text(
        '[ui]\nsla_warning = "30m"\n'
        '[[sla.policies]]\nname = "Chat"\nchannels = ["chat"]\nfirst_response = "20m"\nwarning = "5m"\n'
        '[[sla.policies]]\nname = "E-mail"\nchannels = ["email"]\nfirst_response = "2h"\nwarning = "90m"\n'
        '[[sla.policies]]\nname = "SMS"\nchannels = ["sms"]\nfirst_response = "40m"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, tmp_path / "data", environ={})
    now = int(time.time())
    # Each is due in 10 (chat), 60 (e-mail) and 20 (SMS) minutes.
    tickets = [
        Ticket("chat-1", "chat", "c", "open", "c1", now - 600, now - 600),
        Ticket("mail-1", "email", "m", "open", "c1", now - 3600, now - 3600),
        Ticket("sms-1", "sms", "s", "open", "c1", now - 1200, now - 1200),
    ]
    with Store.open_dir(settings.data_dir) as store:
        apply_batch(
            store,
            "x",
            PullBatch("1", customers=[Customer("c1", "C")], tickets=tickets),
            settings.sla_policies,
        )
        views = builtin_views(store, "me", settings.ui.sla_warning, settings.sla_policies)
        at_risk = next(v for v in views if v.id == "at_risk")
        rows = reads.page(store, at_risk.filter, "sla", limit=10)
        # chat: 10 min left > its 5 min window; e-mail: 60 min < 90; SMS: 20 min < 30 (default)
        assert sorted(r["remote_id"] for r in rows) == ["mail-1", "sms-1"]
        assert reads.count(store, at_risk.filter) == 2


def test_time_waiting_on_the_customer_moves_the_resolution_target(tmp_path):
    from agentdesk.model import Customer, PullBatch, Ticket
    from agentdesk.store.db import Store
    from agentdesk.store.ingest import apply_batch

    config = tmp_path / "config.toml"
    config.write_text(
        '[[sla.policies]]\nname = "Mail"\nchannels = ["email"]\nresolution = "1d"\n'
        "pause_when_pending = true\n"
        '[[sla.policies]]\nname = "Claims"\nchannels = ["amazon"]\nresolution = "1d"\n'
        "pause_when_pending = false\n",
        encoding="utf-8",
    )
    policies = load_settings(config, tmp_path / "data", environ={}).sla_policies
    t0 = 1_795_000_000

    def state(status: str, at: int) -> PullBatch:
        return PullBatch(
            str(at),
            customers=[Customer("c", "C")],
            tickets=[
                Ticket(rid, channel, "s", status, "c", t0, at)
                for rid, channel in (("m", "email"), ("a", "amazon"))
            ],
        )

    with Store.open_dir(tmp_path / "data") as store:
        apply_batch(store, "x", state("open", t0), policies)
        apply_batch(store, "x", state("pending", t0 + 3600), policies)  # waits 2 hours
        apply_batch(store, "x", state("open", t0 + 3 * 3600), policies)
        due = dict(store.query("SELECT remote_id, sla_resolve_due FROM tickets"))
    assert due["m"] == t0 + 86400 + 2 * 3600
    assert due["a"] == t0 + 86400  # this policy's clock does not stop


def test_a_platforms_own_due_times_win_over_our_policies(tmp_path):
    """Freshdesk's fr_due_by and due_by (in the ticket's fields) are its due times, under
    policy "Freshdesk", and the conversation header shows its custom status by name."""
    import time

    from rich.console import Console

    from agentdesk.connectors.freshdesk import mapping
    from agentdesk.model import PullBatch
    from agentdesk.store import reads
    from agentdesk.store.db import Store
    from agentdesk.store.ingest import apply_batch
    from agentdesk.ui.conversation_render import header

    config = tmp_path / "config.toml"
    config.write_text(
        '[[sla.policies]]\nname = "E-mail"\nchannels = ["email"]\nfirst_response = "10m"\n'
        'resolution = "1h"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, tmp_path / "data", environ={})
    now = int(time.time())

    def stamp(at: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))

    def freshdesk_ticket(tid: int, status: int) -> dict:
        return {
            "id": tid, "subject": "Refund", "status": status, "priority": 2, "source": 1,
            "requester_id": 7, "responder_id": None, "group_id": None, "tags": [],
            "created_at": stamp(now - 60), "updated_at": stamp(now - 60),
            "fr_due_by": stamp(now + 7200), "due_by": stamp(now + 86400),
        }  # fmt: skip

    names = {6: "Awaiting parts"}
    tickets = [mapping.ticket(freshdesk_ticket(1, 2), names),
               mapping.ticket(freshdesk_ticket(2, 6), names)]  # fmt: skip
    with Store.open_dir(settings.data_dir) as store:
        apply_batch(store, "fd", PullBatch("1", tickets=tickets), settings.sla_policies)
        open_one = store.one("SELECT * FROM tickets WHERE remote_id = '1'")
        waiting = store.one("SELECT * FROM tickets WHERE remote_id = '2'")
        assert open_one["sla_policy"] == "Freshdesk"
        assert open_one["sla_first_due"] == now + 7200  # not our 10 minutes
        assert open_one["sla_resolve_due"] == now + 86400
        assert waiting["status"] == "on_hold" and waiting["sla_first_due"] is None
        conv = reads.conversation(store, waiting["id"])
        console = Console(width=120, record=True)
        console.print(header(conv, [], now))
        assert "on hold (Awaiting parts)" in console.export_text()
