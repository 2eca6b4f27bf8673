"""Who is making a change, and in which role.

Laptop mode (JupyterLab, `voila` on 127.0.0.1, the CLI): the author of a change is the OS user.
Team-server mode (`avgkit serve`): the hub starts each user's app with $JUPYTERHUB_USER (the
logged-in user) and sets $AVGKIT_SERVER and $AVGKIT_ROLE; the author is that user and nothing
a browser sends can change it. The assessment's auditor field ("Beoordelaar") is an answer like
any other, never the author of a change."""

from __future__ import annotations

import getpass
import os

SERVER_ENV = "AVGKIT_SERVER"  # "1" in a single-user app started by the team server
ROLE_ENV = "AVGKIT_ROLE"
HUB_USER_ENV = "JUPYTERHUB_USER"
UNKNOWN = "onbekend"


class IdentityError(RuntimeError):
    """Server mode without a logged-in user: refuse to write rather than guess."""


def server_mode() -> bool:
    return os.environ.get(SERVER_ENV) == "1"


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system: say so, do not fail
        return UNKNOWN


def author(explicit: str | None = None) -> str:
    """The name a change is recorded under.

    Server mode: always the logged-in hub user ($JUPYTERHUB_USER), whatever else is passed.
    Laptop mode: `explicit` (e.g. the CLI's --who) if given, else the OS user."""
    if server_mode():
        user = os.environ.get(HUB_USER_ENV, "").strip()
        if not user:
            raise IdentityError("team-server mode without a logged-in user")
        return user
    return (explicit or "").strip() or os_user()


def role() -> str | None:
    """The logged-in user's role in server mode (None in laptop mode: everything allowed)."""
    if not server_mode():
        return None
    from avgkit.roles import ROLES

    value = os.environ.get(ROLE_ENV, "")
    return value if value in ROLES else "reader"  # unknown or missing: the least a role can do
