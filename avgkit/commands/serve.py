"""`avgkit serve`: the team server (JupyterHub with its own user list) on one store."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROXY_NAME = "configurable-http-proxy"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="teamserver: inloggen, rollen, één vaste opslag",
                       description="Start the team server: JupyterHub in front of the avgkit "
                                   "app, users from `avgkit users`, every change recorded under "
                                   "the logged-in user. Stops with Ctrl-C.")
    p.add_argument("--store", type=Path, required=True,
                   help="the store every user of this server works on (created if missing)")
    p.add_argument("--port", type=int, default=8000, help="public port (default 8000)")
    p.add_argument("--ip", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; put a reverse proxy with "
                        "HTTPS in front, or give --ssl-cert/--ssl-key)")
    p.add_argument("--state", type=Path,
                   help="the server's own folder (default: avgkit-server/ next to the store)")
    p.add_argument("--public-url", help="the https://... address users open (Secure cookies)")
    p.add_argument("--ssl-cert", type=Path, help="the organisation's certificate (PEM)")
    p.add_argument("--ssl-key", type=Path, help="its private key (PEM)")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="extra JupyterHub configuration (OAuth/Entra ID, LDAP...), loaded last")
    p.add_argument("--cull-idle", type=int, default=3600, metavar="SECONDS",
                   help="stop a kernel after this long without activity (default 3600)")
    p.add_argument("--cull-interval", type=int, default=60, metavar="SECONDS",
                   help="how often to look for idle kernels (default 60)")
    p.add_argument("--max-kernels", type=int, default=4,
                   help="most app pages (kernels) one user may have open at once (default 4)")
    p.set_defaults(run=run)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_proxy() -> str:
    local = REPO / ".hub-proxy" / "node_modules" / ".bin" / PROXY_NAME
    if local.exists():
        return str(local)
    found = shutil.which(PROXY_NAME)
    if found:
        return found
    from avgkit.cli import UsageError

    raise UsageError(f"{PROXY_NAME} not found: run `bash scripts/setup.sh` (installs it into "
                     ".hub-proxy/) or `npm install -g configurable-http-proxy`")


def server_env(args: argparse.Namespace) -> tuple[dict[str, str], Path]:
    from avgkit.cli import UsageError
    from avgkit.server.users import state_dir_for
    from avgkit.store import Store

    store = args.store.expanduser().resolve()
    Store(store).close()  # refuses anything that is not a store; creates a new one
    state = (args.state.expanduser().resolve() if args.state else state_dir_for(store))
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)
    if bool(args.ssl_cert) != bool(args.ssl_key):
        raise UsageError("--ssl-cert and --ssl-key go together")
    for name in ("cull_idle", "cull_interval", "max_kernels"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVGKIT_SERVE_")}
    env.pop("AVGKIT_SERVER", None)
    env.update({
        "AVGKIT_SERVE_STORE": str(store),
        "AVGKIT_SERVE_STATE": str(state),
        "AVGKIT_SERVE_IP": args.ip,
        "AVGKIT_SERVE_PORT": str(args.port),
        "AVGKIT_SERVE_HUB_PORT": str(free_port()),
        "AVGKIT_SERVE_PROXY_API_PORT": str(free_port()),
        "AVGKIT_SERVE_PROXY": find_proxy(),
        "AVGKIT_SERVE_CULL_IDLE": str(args.cull_idle),
        "AVGKIT_SERVE_CULL_INTERVAL": str(args.cull_interval),
        "AVGKIT_SERVE_MAX_KERNELS": str(args.max_kernels),
    })
    for opt, var in (("public_url", "PUBLIC_URL"), ("ssl_cert", "SSL_CERT"),
                     ("ssl_key", "SSL_KEY"), ("config", "EXTRA_CONFIG")):
        value = getattr(args, opt)
        if value:
            env[f"AVGKIT_SERVE_{var}"] = str(Path(value).expanduser().resolve()) \
                if isinstance(value, Path) else value
    # node (the proxy) must be findable on PATH for the proxy's #! line
    return env, state


def run(args: argparse.Namespace) -> int:
    from avgkit.store import StoreError

    try:
        env, state = server_env(args)
    except StoreError as exc:
        print(f"avgkit serve: {exc}", file=sys.stderr)
        return 1
    config = Path(__file__).resolve().parents[1] / "server" / "jupyterhub_config.py"
    print(f"avgkit serve: {env['AVGKIT_SERVE_STORE']} op http://{args.ip}:{args.port}/ "
          f"(map van de server: {state})", file=sys.stderr, flush=True)
    os.chdir(state)
    argv = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
    os.execve(sys.executable, argv, env)  # Ctrl-C / SIGTERM reach JupyterHub itself
    return 0  # not reached
