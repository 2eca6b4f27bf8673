"""A papermill engine that reuses one warm kernel per worker process.

Starting a kernel and importing pandas/matplotlib costs most of a report's time (stack-notes:
~4 s per report the naive way, ~0.2 s with a kept kernel). papermill has no kernel reuse, so this
engine keeps one kernel per worker process and resets it between notebooks: the user namespace is
cleared, figures closed, warnings reset and the execution counter set back to 1. Imported modules
stay loaded, which is the point. tests/test_batch_identity.py proves that every report is
identical to the one an isolated papermill run (fresh kernel) produces.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbformat import v4
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE_NAME = "avgkit-warm-kernel"

# Between notebooks: what IPython's `%reset -f` does, without its two full garbage collections
# (~60 ms each with pandas and matplotlib loaded, most of a report's kernel time); Python's own
# collector still runs as usual. The function's locals outlive the namespace it clears.
RESET_CODE = """\
def _avgkit_reset(shell=get_ipython()):
    import gc, sys, warnings
    collect, gc.collect = gc.collect, (lambda generation=2: 0)
    try:
        shell.reset(new_session=False)
    finally:
        gc.collect = collect
    if 'matplotlib.pyplot' in sys.modules:
        sys.modules['matplotlib.pyplot'].close('all')
    warnings.resetwarnings()
    for module in list(sys.modules.values()):
        if hasattr(module, '__warningregistry__'):
            module.__warningregistry__.clear()
    shell.execution_count = 1
_avgkit_reset()
"""

# Run once in every warm kernel: end the kernel when its worker is gone (a killed batch must
# leave nothing behind; the worker's own watchdog is avgkit.batch.guard.die_with_parent).
WATCHDOG_CODE = """\
def _avgkit_watchdog():
    import os, threading, time
    parent = os.getppid()
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, name='avgkit-parent-watch', daemon=True).start()
_avgkit_watchdog()
del _avgkit_watchdog
"""

_warm: dict[str, NotebookClient] = {}
_socket_dirs: list[Path] = []


def _warm_client(kernel_name: str, startup_timeout: int) -> NotebookClient:
    """The worker's kernel for this kernel name, started on first use."""
    client = _warm.get(kernel_name)
    if client is not None and client.km is not None and run_sync(client.km.is_alive)():
        return client
    # "immediate": at the end of a batch the kernel is killed, not asked to stop and waited for
    # (a graceful stop polls for up to seconds); it holds nothing that needs saving.
    client = NotebookClient(v4.new_notebook(), kernel_name=kernel_name,
                            startup_timeout=startup_timeout, shutdown_kernel="immediate")
    client.km = client.create_kernel_manager()
    # IPC sockets in a private folder: no TCP port, no plain-text-over-TCP warning (stack-notes).
    client.km.transport = "ipc"
    _socket_dirs.append(Path(tempfile.mkdtemp(prefix="avgkit-kernel-")))
    client.km.ip = str(_socket_dirs[-1] / "kernel")
    client.start_new_kernel()
    client.start_new_kernel_client()
    client.wait_for_reply(client.kc.execute(WATCHDOG_CODE, silent=True, store_history=False))
    _warm[kernel_name] = client
    return client


def kill_warm_kernels() -> None:
    """Kill the kernels at once (the worker is going away without a goodbye)."""
    import signal

    for client in list(_warm.values()):
        try:
            process = getattr(getattr(client.km, "provisioner", None), "process", None)
            if process is not None:
                os.kill(process.pid, signal.SIGKILL)
        except Exception:  # noqa: BLE001 - best effort; the kernel's own watchdog follows
            pass


def shutdown_warm_kernels() -> None:
    for client in _warm.values():
        try:
            client._cleanup_kernel()
        except Exception:  # noqa: BLE001 - best effort at exit; the kernel may be gone already
            pass
    _warm.clear()
    while _socket_dirs:
        shutil.rmtree(_socket_dirs.pop(), ignore_errors=True)


atexit.register(shutdown_warm_kernels)


def reset_kernel(client: NotebookClient) -> None:
    msg_id = client.kc.execute(RESET_CODE, silent=True, store_history=False)
    reply = client.wait_for_reply(msg_id)
    if reply is None or reply["content"].get("status") != "ok":
        raise RuntimeError("could not reset the warm kernel")


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, but on the worker's warm kernel instead of a new one."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None,
                                 **kwargs):
        warm = _warm_client(kernel_name, start_timeout)
        try:
            reset_kernel(warm)
        except Exception:
            # A kernel that no longer answers is replaced; the notebook then runs on a fresh one.
            shutdown_warm_kernels()
            warm = _warm_client(kernel_name, start_timeout)
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                             kernel_name=kernel_name, log_output=log_output,
                             stdout_file=stdout_file, stderr_file=stderr_file)
        client = PapermillNotebookClient(nb_man, km=warm.km, **final)
        client.kc = warm.kc
        try:
            return client.execute()
        except Exception:
            # A timeout or dead kernel leaves the kernel in an unknown state: do not reuse it.
            shutdown_warm_kernels()
            raise


papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
