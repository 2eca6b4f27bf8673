"""How the auditor app is served: Voilà on the notebooks folder, 127.0.0.1 only, with avgkit's
template (no request to any other host) and preheated kernels (a page is ready at once).

    command, env = voila_command(store, port)       # what `avgkit app` runs

The start page is /voila/render/start.ipynb; every notebook takes ?id=…&lang=…."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TEMPLATE = "avgkit"
START = "voila/render/start.ipynb"
# Notebooks that read their query string without avgkit.notebook.query_string(): a preheated
# kernel would run them before the request, so they get a fresh kernel per page.
COLD_NOTEBOOKS: tuple[str, ...] = ()


def template_root() -> Path:
    """The folder holding voila/templates/avgkit (a Jupyter data directory)."""
    return Path(str(resources.files("avgkit").joinpath("templates", "jupyter")))


def voila_env(store: str | os.PathLike | None = None, base: dict | None = None) -> dict:
    env = dict(os.environ if base is None else base)
    root = str(template_root())
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (root, env.get("JUPYTER_PATH")) if p)
    if store:
        env["AVGKIT_STORE"] = str(Path(store).expanduser().resolve())
    return env


def voila_command(store: str | os.PathLike | None = None, port: int = 8866,
                  notebooks: str | os.PathLike = NOTEBOOKS, preheat: bool = True,
                  pool_size: int = 1, cold: tuple[str, ...] = COLD_NOTEBOOKS
                  ) -> tuple[list[str], dict]:
    command = [sys.executable, "-m", "voila", str(notebooks), "--no-browser",
               f"--port={port}", "--Voila.ip=127.0.0.1", f"--template={TEMPLATE}",
               "--VoilaConfiguration.show_tracebacks=False",
               # Voilà 0.5 shuts a page's kernel down on page close with a POST that carries
               # no xsrf token (refused with 403: every page view would leave a ~120 MB kernel
               # behind). The server has no login and no cookies to protect, binds 127.0.0.1,
               # and kernel ids are random UUIDs: the check is off. Kernels left idle anyway
               # are shut down after 30 minutes (pooled kernels are never culled).
               "--Voila.tornado_settings={'disable_check_xsrf': True}",
               "--MappingKernelManager.cull_idle_timeout=1800",
               "--MappingKernelManager.cull_interval=300"]
    if preheat and pool_size > 0:
        command += ["--preheat_kernel=True", f"--pool_size={pool_size}"]
        command += [f"--VoilaKernelManager.preheat_denylist={name}" for name in cold]
    return command, voila_env(store)
