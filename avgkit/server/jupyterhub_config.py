"""JupyterHub configuration of the avgkit team server. `avgkit serve` runs
`jupyterhub -f <this file>` with the values below in AVGKIT_SERVE_* variables; an
organisation's own settings (OAuth/Entra ID, LDAP, HTTPS...) go in an extra file given with
`avgkit serve --config FILE`, loaded last so that it wins."""

# ruff: noqa: F821 - `c` and `load_subconfig` are provided by JupyterHub when it loads this file
import os
import sys
from pathlib import Path

import avgkit.server

env = os.environ
state = Path(env["AVGKIT_SERVE_STATE"])

c.JupyterHub.ip = env.get("AVGKIT_SERVE_IP", "127.0.0.1")
c.JupyterHub.port = int(env.get("AVGKIT_SERVE_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["AVGKIT_SERVE_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['AVGKIT_SERVE_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [env["AVGKIT_SERVE_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.data_files_path = str(Path(sys.prefix) / "share" / "jupyterhub")
# The login page, the logout button and "your app is starting" in Dutch (JupyterHub's and
# NativeAuthenticator's own templates otherwise; ours extend theirs).
c.JupyterHub.template_paths = [str(Path(avgkit.server.__file__).parent / "templates")]
if env.get("AVGKIT_SERVE_PUBLIC_URL"):
    c.JupyterHub.public_url = env["AVGKIT_SERVE_PUBLIC_URL"]  # https://... → Secure cookies
if env.get("AVGKIT_SERVE_SSL_CERT"):
    c.JupyterHub.ssl_cert = env["AVGKIT_SERVE_SSL_CERT"]
    c.JupyterHub.ssl_key = env["AVGKIT_SERVE_SSL_KEY"]

# Users: the hub's own list (NativeAuthenticator: bcrypt-hashed passwords, approved users only).
# `avgkit users ...` manages it; nobody signs up through the browser.
c.JupyterHub.authenticator_class = "avgkit.server.spawner.AvgkitAuthenticator"
c.NativeAuthenticator.enable_signup = False
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 300
c.Authenticator.allow_all = True  # any user the authenticator accepts (approved, right password)

# Each user's app: a local process, with the role's app and the server's fixed store.
c.JupyterHub.spawner_class = "avgkit.server.spawner.AvgkitSpawner"
c.AvgkitSpawner.avgkit_store = env["AVGKIT_SERVE_STORE"]
c.AvgkitSpawner.avgkit_state = str(state)
c.AvgkitSpawner.cull_idle = int(env.get("AVGKIT_SERVE_CULL_IDLE", "3600"))
c.AvgkitSpawner.cull_interval = int(env.get("AVGKIT_SERVE_CULL_INTERVAL", "60"))
c.AvgkitSpawner.max_kernels = int(env.get("AVGKIT_SERVE_MAX_KERNELS", "4"))
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.shutdown_on_logout = True  # logging out stops that user's app and its kernels
c.JupyterHub.cleanup_servers = True
c.JupyterHub.allow_named_servers = False
c.JupyterHub.admin_access = False  # an admin cannot open another user's app (and write as them)

if env.get("AVGKIT_SERVE_EXTRA_CONFIG"):
    load_subconfig(env["AVGKIT_SERVE_EXTRA_CONFIG"])
