"""Real processes on one store file: concurrent writers merge or get a conflict (nothing lost,
no "database is locked"), and a writer killed with SIGKILL at random moments loses nothing it
reported as saved."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from avgkit.assessment import Assessment
from avgkit.store import Store

WORKER = ROOT / "tests" / "store_worker.py"


def env():
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}


def start(*args, **kwargs):
    return subprocess.Popen([sys.executable, str(WORKER), *map(str, args)], env=env(),
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def race(path, first, second):
    """Two processes read the same base version, then update at the same moment."""
    procs = [start("update", path, "SW-1", who, json.dumps(changes), stdin=subprocess.PIPE)
             for who, changes in (first, second)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    return results


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as s:
        s.create(Assessment(id="SW-1"), "alice")
    return path


def test_two_processes_changing_different_fields_both_succeed(path):
    results = race(path, ("bob", {"answers.subcontractor": True}),
                   ("carol", {"checklist.answers.tm-01": {"status": "aanwezig"}}))
    assert sorted(r["version"] for r in results) == [2, 3]
    with Store(path) as s:
        a = s.get("SW-1")
        assert a.answers == {"subcontractor": True}
        assert a.checklist == {"answers": {"tm-01": {"status": "aanwezig"}}}
        assert s.rebuild("SW-1") == a


def test_two_processes_changing_the_same_field_one_gets_a_conflict(path):
    results = race(path, ("bob", {"notes": "van bob"}), ("carol", {"notes": "van carol"}))
    won = [r for r in results if "version" in r]
    lost = [r for r in results if "conflict" in r]
    assert len(won) == 1 and len(lost) == 1, results
    assert won[0]["version"] == 2 and lost[0]["conflict"] == ["notes"]
    with Store(path) as s:
        winner = s.history("SW-1")[-1]
        assert lost[0]["by"] == [winner.who]
        assert s.get("SW-1").notes == f"van {winner.who}" and s.version("SW-1") == 2


def test_concurrent_read_modify_write_loses_no_increment(path):
    n, at = 150, time.time() + 1.0
    procs = [start("increment", path, "SW-1", who, n, at) for who in ("bob", "carol")]
    conflicts = 0
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err  # no "database is locked" either
        conflicts += json.loads(out)["conflicts"]
    print(f"{conflicts} conflicts retried")
    with Store(path) as s:
        a = s.get("SW-1")
        assert a.checklist["counter"] == 2 * n
        assert a.checklist["last_by_bob"] == a.checklist["last_by_carol"] == n - 1
        assert s.version("SW-1") == 1 + 2 * n
        assert s.rebuild("SW-1") == a


def test_processes_creating_the_same_new_store_at_once(tmp_path):
    path = tmp_path / "new" / "s.sqlite"
    at = time.time() + 1.5
    procs = [start("open-create", path, f"P{i}", at) for i in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0 and out.strip() == "ok", err
    with Store(path) as s:
        assert [a.id for a in s.list()] == ["P0", "P1", "P2", "P3"]
    assert sorted(p.name for p in path.parent.iterdir()) == ["s.sqlite"]  # no temp files left


def test_sigkill_at_random_moments_loses_no_reported_change(tmp_path):
    path, log = tmp_path / "s.sqlite", tmp_path / "committed.log"
    rng = random.Random()
    deadline, kills = time.monotonic() + 12, 0
    while time.monotonic() < deadline or kills < 10:
        size = log.stat().st_size if log.exists() else 0
        proc = start("writer", path, log)
        # Kill at a random moment once it writes (so most kills land mid-work, not in start-up).
        while (not log.exists() or log.stat().st_size == size) and proc.poll() is None:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.2))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err
        kills += 1
    reported = [line.split() for line in log.read_text().splitlines()]
    print(f"{kills} kills, {len(reported)} reported commits")
    assert len(reported) > 10 * kills  # it did get work done between kills

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Store(path) as s:
        assert s.check() == "ok"
        notes = {c.version: c.new for c in s.history("KILL") if c.path == "notes"}
        for id, version, value in reported:
            if id == "KILL":
                assert notes.get(int(version)) == value, (version, value)
            else:
                assert s.get(id).notes == value
        history = s.history("KILL")
        assert [c.version for c in history if c.path in ("", "notes")] == \
            list(range(1, s.version("KILL") + 1))  # versions without gaps
        assert s.rebuild("KILL") == s.get("KILL")
        for id in s.versions():
            assert s.rebuild(id) == s.get(id)
