"""Each logged-in user's own app, started by the hub (`AvgkitSpawner`) as
`python -m avgkit.server.singleuser`.

- auditor, reviewer: Voilà, standalone (not the jupyter-server extension, which would expose
  the contents and kernels REST API), serving the notebooks folder behind the hub's OAuth login
  (`JupyterHubIdentityProvider`). Voilà's kernels accept comm messages only: no
  `execute_request` from a page, so a browser cannot run code, only drive the widgets; the
  author of a change comes from $JUPYTERHUB_USER, never from a widget.
- reader: no kernel at all: read-only report and overview pages (`avgkit.server.reader`).

Everything comes from the environment the spawner sets: JUPYTERHUB_* (hub), AVGKIT_SERVER=1,
AVGKIT_ROLE, AVGKIT_STORE (fixed), AVGKIT_CULL_IDLE / AVGKIT_CULL_INTERVAL (seconds),
AVGKIT_MAX_KERNELS."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from avgkit import identity

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
HUB_SECRETS = ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN")


def notebooks_dir() -> Path:
    return Path(os.environ.get("AVGKIT_NOTEBOOKS") or NOTEBOOKS)


def listen_address() -> tuple[str, int, str]:
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    return url.hostname or "127.0.0.1", url.port or 8888, prefix


def voila_argv() -> list[str]:
    from avgkit.appserver import TEMPLATE

    ip, port, prefix = listen_address()
    cull_idle = int(os.environ.get("AVGKIT_CULL_IDLE", "3600"))
    cull_interval = int(os.environ.get("AVGKIT_CULL_INTERVAL", "60"))
    max_kernels = int(os.environ.get("AVGKIT_MAX_KERNELS", "4"))
    return [
        str(notebooks_dir()), "--no-browser", f"--port={port}", f"--Voila.ip={ip}",
        "--Voila.port_retries=0", f"--Voila.base_url={prefix}",
        "--Voila.identity_provider_class=avgkit.server.singleuser.HubIdentityProvider",
        # avgkit's template, as `avgkit app`: its assets are served by this server, nothing is
        # fetched from a CDN (Voilà's own templates load Font Awesome from jsdelivr)
        f"--template={TEMPLATE}",
        # no static files from the notebooks folder; no tracebacks (they show paths)
        "--VoilaConfiguration.file_allowlist=(?!)",  # a pattern that matches nothing
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.multi_kernel_manager_class="
        "avgkit.server.kernels.CappedKernelManager",
        f"--CappedKernelManager.max_kernels={max_kernels}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        # a page left open counts as idle when nothing happens in it: every answer is saved
        # at once, so culling loses nothing; reloading the page starts a new kernel
        "--MappingKernelManager.cull_connected=True",
    ]


def _hub_identity_provider():
    from jupyterhub.singleuser.extension import JupyterHubIdentityProvider

    class HubIdentityProvider(JupyterHubIdentityProvider):
        """JupyterHub's own identity provider for single-user servers, taking the keyword
        arguments standalone Voilà passes (it sets a login token we do not use)."""

        def __init__(self, **kwargs):
            kwargs.pop("token", None)
            super().__init__(**kwargs)

        def get_handlers(self):
            # jupyter-server prefixes these with base_url; standalone Voilà does not
            from jupyter_server.utils import url_path_join

            prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
            return [(url_path_join(prefix, h[0]), *h[1:]) for h in super().get_handlers()]

    return HubIdentityProvider


def __getattr__(name: str):  # HubIdentityProvider, imported lazily (jupyterhub is heavy)
    if name == "HubIdentityProvider":
        return _hub_identity_provider()
    raise AttributeError(name)


def drop_hub_secrets() -> None:
    """Kernels inherit this process's environment: keep the hub's API token out of it (the
    identity provider has read it already)."""
    for name in HUB_SECRETS:
        os.environ.pop(name, None)


def front_door(handler: tuple, server_url: str) -> tuple:
    """The app's root (Voilà's list of notebook files) redirects to the page the hub names in
    JUPYTERHUB_DEFAULT_URL (the spawner's default_url: the start page); standalone Voilà does
    not read that variable itself."""
    from jupyter_server.utils import url_path_join
    from tornado.web import RedirectHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    target = os.environ.get("JUPYTERHUB_DEFAULT_URL", "")
    if handler[0] == server_url and handler[1] is TornadoVoilaTreeHandler and target:
        return (handler[0], RedirectHandler, {"url": url_path_join(server_url, target)})
    return handler


def cap_page(message: str) -> str:
    """The page a user gets past the kernel cap: what happened and what to do."""
    import html

    from avgkit.html import stylesheet

    return ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>avgkit</title>'
            f'<style>{stylesheet()}</style></head><body><div class="avgkit" '
            'style="max-width:50em;margin:3em auto"><div class="message warning">'
            f'{html.escape(message)}</div></div></body></html>')


def main() -> int:
    if not identity.server_mode() or not os.environ.get("JUPYTERHUB_USER"):
        print("avgkit.server.singleuser is started by the team server (avgkit serve)",
              file=sys.stderr)
        return 2
    if identity.role() == "reader":
        from avgkit.server.reader import main as reader_main

        return reader_main()
    from voila.app import Voila

    from avgkit.appserver import voila_env

    os.environ["JUPYTER_PATH"] = voila_env(base=dict(os.environ))["JUPYTER_PATH"]

    class AvgkitVoila(Voila):
        def init_settings(self):
            settings = super().init_settings()
            _ = self.identity_provider.hub_auth.api_token  # read before it leaves the env
            drop_hub_secrets()
            return settings

        def init_handlers(self):
            from voila.tornado.handler import TornadoVoilaHandler

            class Handler(TornadoVoilaHandler):
                def write_error(self, status_code, **kwargs):
                    exc = kwargs.get("exc_info", (None, None))[1]
                    if status_code == 429 and getattr(exc, "log_message", None):
                        self.set_header("Content-Type", "text/html; charset=utf-8")
                        self.finish(cap_page(exc.log_message))
                    else:
                        super().write_error(status_code, **kwargs)

            handlers = [(h[0], Handler, *h[2:]) if h[1] is TornadoVoilaHandler else h
                        for h in super().init_handlers()]
            return [front_door(h, self.server_url) for h in handlers]

    AvgkitVoila.launch_instance(argv=voila_argv())
    return 0


if __name__ == "__main__":
    sys.exit(main())
