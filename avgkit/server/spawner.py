"""Starts each logged-in user's app as a local process (no system user per person).

The role comes from the user's JupyterHub groups (auditor, reviewer, reader; none → reader),
read when the server starts. The process gets a clean environment (JupyterHub passes only
`env_keep` and its own JUPYTERHUB_* variables) plus the server's fixed store and limits."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner
from nativeauthenticator import NativeAuthenticator
from traitlets import Integer, Unicode, default

from avgkit.roles import ROLES


def role_of(group_names) -> str:
    """One role per user; should a user be in several role groups, the one that can do least."""
    names = set(group_names)
    for role in reversed(ROLES):  # reader, reviewer, auditor
        if role in names:
            return role
    return "reader"


class AvgkitSpawner(SimpleLocalProcessSpawner):
    avgkit_store = Unicode(config=True, help="the store every user of this server works on")
    avgkit_state = Unicode(config=True, help="the server's own folder (users' working folders)")
    cull_idle = Integer(3600, config=True, help="seconds before an idle kernel is stopped")
    cull_interval = Integer(60, config=True, help="seconds between checks for idle kernels")
    max_kernels = Integer(4, config=True, help="most kernels (open app pages) per user")

    @default("cmd")
    def _default_cmd(self):
        return [sys.executable, "-m", "avgkit.server.singleuser"]

    @default("home_dir")
    def _default_home_dir(self):
        # a working folder per user inside the server's own folder; the hub's usernames are
        # normalised (no '/'), and the path is checked to stay inside anyway
        base = Path(self.avgkit_state, "users").resolve()
        home = (base / self.user.name).resolve()
        if base not in home.parents:
            raise ValueError("user name does not make a working folder inside the server's")
        return str(home)

    def current_groups(self) -> list[str]:
        """The user's groups as the database has them now (`avgkit users role` may have changed
        them while the hub runs; the hub's cached objects would not show that)."""
        from jupyterhub import orm

        db = self.user.db
        rows = (db.query(orm.Group.name).join(orm.Group.users)
                .filter(orm.User.id == self.user.id).all())
        return [name for (name,) in rows]

    async def start(self):
        # after logging in, an auditor or reviewer lands on the app's front door, not on
        # Voilà's list of notebook files; a reader's server serves its pages at its root
        reader = role_of(self.current_groups()) == "reader"
        self.default_url = "" if reader else "/voila/render/start.ipynb"
        return await super().start()

    def get_env(self):
        env = super().get_env()
        env.update({
            "AVGKIT_SERVER": "1",
            "AVGKIT_ROLE": role_of(self.current_groups()),
            "AVGKIT_STORE": self.avgkit_store,
            "AVGKIT_CULL_IDLE": str(self.cull_idle),
            "AVGKIT_CULL_INTERVAL": str(self.cull_interval),
            "AVGKIT_MAX_KERNELS": str(self.max_kernels),
        })
        for name in ("AVGKIT_MEASURES", "AVGKIT_NOTEBOOKS"):
            if os.environ.get(name):
                env[name] = os.environ[name]
        return env


class AvgkitAuthenticator(NativeAuthenticator):
    """NativeAuthenticator reading each user's record fresh from the database, so that
    `avgkit users disable|reset-password` take effect while the hub runs."""

    def get_user(self, username):
        from nativeauthenticator.orm import UserInfo

        name = self.normalize_username(username)
        return (self.db.query(UserInfo).filter(UserInfo.username == name)
                .populate_existing().first())
