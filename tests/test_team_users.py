"""`avgkit users` on the team server's database, `avgkit serve`'s checks, the readers' page and
the kernel cap, without starting a hub (tests/test_team_server.py does that)."""

import asyncio
import json
import subprocess
import sys

import pytest

from avgkit.assessment import Assessment
from avgkit.server import users
from avgkit.server.spawner import role_of
from avgkit.store import Store

PASSWORD = "lang-genoeg-2024!"


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `avgkit ...` in this process (importing JupyterHub once, not per command)."""
    import io

    from avgkit.cli import main

    def run(*args, stdin=None):
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        code = main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


@pytest.fixture
def state(tmp_path):
    return tmp_path / "avgkit-server"


def info(state, name):
    from nativeauthenticator.orm import UserInfo

    with users.hub_db(state) as db:
        row = db.query(UserInfo).filter(UserInfo.username == name).first()
        user = users._user(db, name)
        return row.is_authorized, row.password, user.cookie_id, \
            sorted(g.name for g in user.groups)


def test_users_commands(tmp_path, state, cli):
    store = tmp_path / "team.sqlite"
    done = cli("users", "--store", str(store), "add", "Alice", "--role", "auditor",
               "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "avgkit-server" / "jupyterhub.sqlite").exists()
    authorised, hashed, cookie, groups = info(state, "alice")  # names are lower case
    assert authorised and groups == ["auditor"]
    import bcrypt
    assert bcrypt.checkpw(PASSWORD.encode(), hashed) and PASSWORD.encode() not in hashed

    again = cli("users", "--store", str(store), "add", "alice", "--role", "reader",
                "--password-stdin", stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "bestaat al" in again.stderr
    for bad in ("kort", "password123"):
        weak = cli("users", "--state", str(state), "add", "bob", "--role", "reader",
                   "--password-stdin", stdin=bad + "\n")
        assert weak.returncode == 1 and "wachtwoord" in weak.stderr
    assert cli("users", "--state", str(state), "add", "a/b", "--role", "reader",
               "--password-stdin", stdin=PASSWORD + "\n").returncode == 1

    assert cli("users", "--state", str(state), "role", "alice", "reviewer").returncode == 0
    assert info(state, "alice")[3] == ["reviewer"]

    assert cli("users", "--state", str(state), "disable", "alice").returncode == 0
    authorised, _, new_cookie, _ = info(state, "alice")
    assert not authorised and new_cookie != cookie  # the hub's login cookie no longer matches
    listed = json.loads(cli("users", "--state", str(state), "list", "--json").stdout)
    assert listed == [{"name": "alice", "role": "reviewer", "active": False,
                       "last_activity": ""}]
    assert cli("users", "--state", str(state), "enable", "alice").returncode == 0
    new = "nog-langer-2025!"
    assert cli("users", "--state", str(state), "reset-password", "alice", "--password-stdin",
               stdin=new + "\n").returncode == 0
    authorised, hashed, _, _ = info(state, "alice")
    assert authorised and bcrypt.checkpw(new.encode(), hashed)
    assert cli("users", "--state", str(state), "disable", "nobody").returncode == 1
    text = cli("users", "--state", str(state), "list").stdout
    assert "alice" in text and "reviewer" in text and "actief" in text


def test_one_role_per_user_the_least_wins():
    assert role_of(["auditor"]) == "auditor"
    assert role_of(["auditor", "reader"]) == "reader"
    assert role_of(["reviewer", "auditor"]) == "reviewer"
    assert role_of([]) == "reader"


def test_serve_refuses_bad_settings_before_starting(tmp_path, cli):
    not_a_store = tmp_path / "notes.sqlite"
    not_a_store.write_text("hello")
    done = cli("serve", "--store", str(not_a_store))
    assert done.returncode == 1
    ok_store = tmp_path / "team.sqlite"
    done = cli("serve", "--store", str(ok_store), "--ssl-cert", "x.pem")
    assert done.returncode == 2 and "--ssl-key" in done.stderr
    done = cli("serve", "--store", str(ok_store), "--max-kernels", "0")
    assert done.returncode == 2


def test_reader_overview_escapes_and_links(tmp_path):
    from avgkit.server.reader import overview_html
    from avgkit.server.session import ReadOnlyStore

    store = Store(tmp_path / "s.sqlite")
    store.create(Assessment(id="SW-001", corporation="<script>alert(1)</script>",
                            contractor="Bouw & Zonen"), "t")
    page = overview_html(ReadOnlyStore(store.path).list(), "nl", "/user/ron/", "ron")
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="/user/ron/report/SW-001?lang=nl"' in page and "Bouw &amp; Zonen" in page
    assert "Overzicht beoordelingen" in page
    assert "Overview of assessments" in overview_html([], "en", "/user/ron/", "ron")


def test_kernel_cap(tmp_path):
    from tornado import web

    from avgkit.server.kernels import CappedKernelManager

    async def scenario():
        km = CappedKernelManager(max_kernels=1)
        first = await km.start_kernel(kernel_name="python3", path=str(tmp_path))
        try:
            with pytest.raises(web.HTTPError) as err:
                await km.start_kernel(kernel_name="python3", path=str(tmp_path))
            assert err.value.status_code == 429 and "1 vensters" in err.value.log_message
        finally:
            await km.shutdown_kernel(first, now=True)
        assert km.list_kernel_ids() == []

    asyncio.run(scenario())
