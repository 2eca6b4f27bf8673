"""What keeps `avgkit batch` honest when things go wrong outside the portfolio: the output folder
checked before anything is written, one batch per folder (a lock file), one clear sentence and
its own exit code for each way the run itself can fail, and workers that end when the batch is
killed.

Exit codes of `avgkit batch` (README, "Exit codes"):

    0    every report made, no row refused
    1    done, but collaborations failed or portfolio rows were refused (counts in the output)
    2    the command line is wrong (unknown option, bad --only, --workers 0)
    3    the portfolio was refused as a whole (missing, unreadable, a required column missing,
         own measures not in --measures): nothing written
    4    --out cannot be written (a file, read-only, no permission, the disk is full)
    5    the batch's own store (<out>/_avgkit/portefeuille.sqlite) is damaged
    6    the Dask scheduler (--scheduler) cannot be reached
    7    another avgkit batch is writing to the same --out
    130  interrupted (Ctrl-C); a rerun resumes
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import functools
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_USAGE = 2
EXIT_PORTFOLIO = 3
EXIT_OUT = 4
EXIT_STORE = 5
EXIT_SCHEDULER = 6
EXIT_BUSY = 7
EXIT_INTERRUPTED = 130

STATE_DIR = "_avgkit"
LOCK_NAME = "batch.lock"


class BatchError(Exception):
    """The run itself cannot go on: one sentence for the user and the exit code."""

    def __init__(self, message: str, code: int, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.details = details or []


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def os_error(exc: OSError, out_dir: Path) -> BatchError:
    """An OSError while writing the batch's files, as one sentence."""
    where = exc.filename or out_dir
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return BatchError(f"de schijf is vol bij het schrijven van {where}; maak ruimte en start "
                          "dezelfde opdracht opnieuw (wat klaar was, blijft staan).", EXIT_OUT)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return BatchError(f"kan niet schrijven in {out_dir} ({_reason(exc)}); kies met --out een "
                          "map waarin u mag schrijven.", EXIT_OUT)
    return BatchError(f"kan {where} niet schrijven: {_reason(exc)}.", EXIT_OUT)


def check_out_dir(out_dir: Path) -> None:
    """--out must be a folder we can write in: made if missing, probed with a temporary file."""
    if out_dir.exists() and not out_dir.is_dir():
        raise BatchError(f"--out {out_dir} is een bestand, geen map; kies een map voor de "
                         "rapporten.", EXIT_OUT)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        state = out_dir / STATE_DIR
        if state.is_symlink() or (state.exists() and not state.is_dir()):
            raise BatchError(f"{state} is geen gewone map; verwijder het of kies een andere "
                             "--out.", EXIT_OUT)
        state.mkdir(exist_ok=True)
        import tempfile
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except FileExistsError:
        raise BatchError(f"--out {out_dir}: een deel van het pad is een bestand, geen map.",
                         EXIT_OUT) from None
    except NotADirectoryError:
        raise BatchError(f"--out {out_dir}: een deel van het pad is een bestand, geen map.",
                         EXIT_OUT) from None
    except OSError as exc:
        raise os_error(exc, out_dir) from None


@contextlib.contextmanager
def batch_lock(out_dir: Path) -> Iterator[None]:
    """One batch per --out at a time. An flock (released by the kernel when the holder dies,
    also by SIGKILL), on a file opened without following a planted symlink."""
    path = out_dir / STATE_DIR / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BatchError(f"{path} is een symbolische koppeling; verwijder die en start "
                             "opnieuw.", EXIT_OUT) from None
        raise os_error(exc, out_dir) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "?"
            raise BatchError(f"een andere avgkit batch schrijft al in {out_dir} ({holder}); "
                             "wacht tot die klaar is of kies een andere --out.",
                             EXIT_BUSY) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, gestart {dt.datetime.now():%Y-%m-%d %H:%M:%S}"
                  .encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def check_scheduler(address: str, timeout: float = 5.0) -> None:
    """Reach the Dask scheduler before anything runs, so that a wrong address is one sentence."""
    try:
        from dask.distributed import Client
        with Client(address, timeout=timeout, set_as_default=False):
            pass
    except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError (bad address)
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BatchError(f"de Dask-scheduler {address} is niet bereikbaar ({text[:160]}); "
                         "controleer --scheduler, of laat het weg om op deze computer te "
                         "rekenen.", EXIT_SCHEDULER) from None


def guarded(run_batch):
    """run_batch with the checks above around it: BatchError for every failure of the run
    itself, never a traceback of an OSError or a damaged store."""

    @functools.wraps(run_batch)
    def wrapper(portfolio, out_dir, *args, **kwargs):
        from avgkit.store import StoreError

        out_dir = Path(out_dir)
        check_out_dir(out_dir)
        if kwargs.get("scheduler"):
            check_scheduler(kwargs["scheduler"])
        with batch_lock(out_dir):
            try:
                return run_batch(portfolio, out_dir, *args, **kwargs)
            except StoreError as exc:
                store = out_dir / STATE_DIR
                if exc.path is not None and Path(exc.path).parent.resolve() == store.resolve():
                    if exc.code in ("io",) and isinstance(exc.__context__, OSError):
                        raise os_error(exc.__context__, out_dir) from None
                    raise BatchError(f"de eigen opslag van de batch {exc.path} is beschadigd of "
                                     f"onleesbaar ({exc}); verwijder de map {store} en start "
                                     "opnieuw (de rapporten worden dan opnieuw gemaakt).",
                                     EXIT_STORE) from None
                raise
            except OSError as exc:
                raise os_error(exc, out_dir) from None

    return wrapper


# --- processes that end with the batch -------------------------------------------------------

def die_with_parent(parent: int | None = None, interval: float = 0.5) -> None:
    """Called in each worker process: when the batch is gone (killed, even by SIGKILL, so no
    handler of its own runs), kill this worker's kernel and end the worker, within about a
    second. A thread polls the parent's pid (the kernel does the same, kernels.WATCHDOG_CODE).
    parent: the batch's pid, given by the batch (it may be gone before this runs)."""
    parent = parent or os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        _stop_kernels()
        os._exit(1)

    threading.Thread(target=watch, name="avgkit-parent-watch", daemon=True).start()


def _stop_kernels() -> None:
    try:
        from avgkit.batch import kernels
    except Exception:  # noqa: BLE001 - dying anyway
        return
    kernels.kill_warm_kernels()
