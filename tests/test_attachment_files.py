"""Saved attachments: a stranger's file name cannot escape the folder or overwrite a file,
and on a group-shared cache the group can read what the daemon saved."""

from __future__ import annotations

from agentdesk.sync.attachment_files import safe_name, write_attachment


def test_names_from_strangers_stay_in_their_folder(tmp_path):
    assert safe_name("../../etc/passwd") == "_.._etc_passwd"
    assert safe_name("\u202egpj.exe") == "_gpj.exe"
    assert safe_name("...") == "attachment"
    first = write_attachment(tmp_path, "mail", "7", "../photo.jpg", b"one")
    second = write_attachment(tmp_path, "mail", "7", "../photo.jpg", b"two")
    assert first.parent == second.parent == tmp_path / "attachments" / "mail" / "7"
    assert (first.name, second.name) == ("_photo.jpg", "_photo (2).jpg")
    assert (first.read_bytes(), second.read_bytes()) == (b"one", b"two")


def test_private_cache_private_files(tmp_path):
    (tmp_path / "agentdesk.db").touch(mode=0o600)
    path = write_attachment(tmp_path, "mail", "1", "a.pdf", b"x")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_group_shared_cache_group_readable_files(tmp_path):
    db = tmp_path / "agentdesk.db"
    db.touch()
    db.chmod(0o660)
    path = write_attachment(tmp_path, "mail", "1", "a.pdf", b"x")
    assert path.stat().st_mode & 0o777 == 0o640
    assert path.parent.stat().st_mode & 0o777 == 0o750
