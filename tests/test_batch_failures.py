"""Issue 15: `avgkit batch` failures that are one clear sentence with their own exit code, one
batch per --out, and no worker or kernel left behind when the batch is killed."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from avgkit.batch.guard import (
    EXIT_BUSY,
    EXIT_INCOMPLETE,
    EXIT_OUT,
    EXIT_PORTFOLIO,
    EXIT_SCHEDULER,
    EXIT_STORE,
    batch_lock,
    check_out_dir,
)
from avgkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CSV = ROOT / "data" / "voorbeeld-portefeuille.csv"
AVGKIT = [sys.executable, "-m", "avgkit"]


def batch(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["batch", "--quiet", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def refused_only(tmp_path) -> Path:
    """Two rows, both refused (one with two bad cells): no notebook runs, so it is fast."""
    path = tmp_path / "p.csv"
    path.write_text("id;corporatie;aannemer;samenwerkingsvorm;overeenkomst\n"
                    "A;B;C;9;wat\nD;E;F;7;geen\n", encoding="utf-8")
    return path


def test_refused_rows_are_counted_per_row(capsys, tmp_path, refused_only):
    code, out, _ = batch(capsys, str(refused_only), "--out", str(tmp_path / "out"))
    assert code == EXIT_INCOMPLETE
    assert "2 regels geweigerd" in out and out.count("geweigerd: ") == 2
    html = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert "rij 2" in html and "rij 3" in html


def test_a_missing_portfolio_writes_nothing(capsys, tmp_path):
    code, _, err = batch(capsys, str(tmp_path / "weg.csv"), "--out", str(tmp_path / "out"))
    assert code == EXIT_PORTFOLIO and "bestand niet gevonden" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "index.html").exists()


def test_out_that_is_a_file(capsys, tmp_path, refused_only):
    file = tmp_path / "bestand"
    file.write_text("x")
    code, _, err = batch(capsys, str(refused_only), "--out", str(file))
    assert code == EXIT_OUT and "is een bestand, geen map" in err
    code, _, err = batch(capsys, str(refused_only), "--out", str(file / "sub"))
    assert code == EXIT_OUT and "geen map" in err and file.read_text() == "x"


def test_a_damaged_batch_store(capsys, tmp_path, refused_only):
    out = tmp_path / "out"
    (out / "_avgkit").mkdir(parents=True)
    (out / "_avgkit" / "portefeuille.sqlite").write_bytes(os.urandom(4096))
    code, _, err = batch(capsys, str(refused_only), "--out", str(out))
    assert code == EXIT_STORE and "is beschadigd" in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_an_unreachable_scheduler(capsys, tmp_path, refused_only):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    code, _, err = batch(capsys, str(refused_only), "--out", str(tmp_path / "out"),
                         "--scheduler", f"tcp://127.0.0.1:{port}")
    assert code == EXIT_SCHEDULER and "niet bereikbaar" in err and "Traceback" not in err


def test_a_full_disk(capsys, tmp_path, refused_only, monkeypatch):
    import avgkit.batch as batch_module

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out" / "x"))

    monkeypatch.setattr(batch_module, "write_overview", full)
    code, _, err = batch(capsys, str(refused_only), "--out", str(tmp_path / "out"))
    assert code == EXIT_OUT and "de schijf is vol" in err and "Traceback" not in err


def test_a_second_batch_on_the_same_out_is_refused(capsys, tmp_path, refused_only):
    out = tmp_path / "out"
    check_out_dir(out)
    with batch_lock(out):
        code, _, err = batch(capsys, str(refused_only), "--out", str(out))
    assert code == EXIT_BUSY and "een andere avgkit batch schrijft al" in err
    assert f"pid {os.getpid()}" in err and not (out / "index.html").exists()
    code, _, _ = batch(capsys, str(refused_only), "--out", str(out))  # released again
    assert code == EXIT_INCOMPLETE


def test_a_planted_symlink_is_not_followed(capsys, tmp_path, refused_only):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    for name in (".results.xlsx.tmp", "_avgkit"):
        (out / name).symlink_to(victim)
    code, _, err = batch(capsys, str(refused_only), "--out", str(out))
    assert code == EXIT_OUT and "geen gewone map" in err  # _avgkit planted as a symlink
    (out / "_avgkit").unlink()
    code, _, _ = batch(capsys, str(refused_only), "--out", str(out))
    assert code == EXIT_INCOMPLETE and victim.read_text() == "keep"
    assert (out / "results.xlsx").stat().st_size > 0


def _read_only_command(out: Path, command: list[str]) -> list[str]:
    """command run with out read-only: chmod for a normal user; for root (who writes anywhere)
    a read-only bind mount in a private mount namespace (unshare), or skip."""
    if os.geteuid() != 0:
        os.chmod(out, 0o555)
        return command
    if not shutil.which("unshare") or subprocess.run(
            ["unshare", "-m", "true"], capture_output=True).returncode != 0:
        pytest.skip("root without unshare: cannot make a read-only folder")
    script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"')
    return ["unshare", "-m", "sh", "-c", script, str(out), *command]


def test_a_read_only_out(tmp_path, refused_only):
    out = tmp_path / "out"
    out.mkdir()
    command = _read_only_command(out, [*AVGKIT, "batch", str(refused_only), "--out", str(out),
                                       "--quiet"])
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        os.chmod(out, 0o755)
    assert proc.returncode == EXIT_OUT, proc.stderr
    assert "kan niet schrijven in" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


# --- a killed batch leaves nothing behind ------------------------------------------------------

def _children() -> dict[int, int]:
    """pid -> parent pid of every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            table[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return table


def _descendants(pid: int) -> set[int]:
    table = _children()
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in table.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigkill_of_the_batch_leaves_no_worker_or_kernel(tmp_path):
    portfolio = tmp_path / "p.csv"
    lines = EXAMPLE_CSV.read_text("utf-8-sig").splitlines()
    portfolio.write_text("\n".join(lines[:13]) + "\n", encoding="utf-8")
    proc = subprocess.Popen([*AVGKIT, "batch", str(portfolio), "--out", str(tmp_path / "out"),
                             "--workers", "2", "--quiet"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            kernels = [p for p in _descendants(proc.pid) if "ipykernel" in _cmdline(p)]
            if len(kernels) >= 1 and any((tmp_path / "out").glob("*.json")):
                break
            time.sleep(0.5)
        assert proc.poll() is None, "the batch finished before it could be killed"
        family = _descendants(proc.pid)
        assert any("ipykernel" in _cmdline(p) for p in family)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in family):
            time.sleep(0.2)
        left = {p: _cmdline(p)[:120] for p in family if _alive(p)}
        assert not left, f"still running 10 s after SIGKILL: {left}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --- stores: damaged, in a read-only folder ------------------------------------------------------

def test_export_of_a_damaged_store_is_one_sentence(tmp_path, capsys):
    from avgkit.assessment import Assessment
    from avgkit.store import Store

    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        for i in range(200):
            store.create(Assessment(id=f"A{i}", notes="x" * 500), "alice")
    data = bytearray(path.read_bytes())
    data[8192:len(data) - 4096] = bytes(len(data) - 4096 - 8192)  # pages zeroed, header intact
    path.write_bytes(bytes(data))
    code = main(["export", "--store", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and "beschadigde avgkit-opslag" in err and err.count("\n") == 1


def test_a_store_in_a_read_only_folder_can_be_listed(tmp_path):
    from avgkit.assessment import Assessment
    from avgkit.store import Store

    folder = tmp_path / "alleen-lezen"
    folder.mkdir()
    with Store(folder / "s.sqlite") as store:
        store.create(Assessment(id="SW-1", corporation="Woonstad"), "alice")
    command = _read_only_command(folder, [*AVGKIT, "list", "--store",
                                          str(folder / "s.sqlite")])
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        os.chmod(folder, 0o755)
    assert proc.returncode == 0, proc.stderr
    assert "SW-1" in proc.stdout and "Woonstad" in proc.stdout
