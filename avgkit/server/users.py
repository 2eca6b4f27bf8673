"""User administration of the team server (`avgkit users ...`), on the hub's own database.

The user list is NativeAuthenticator's (bcrypt-hashed passwords; a user logs in only while
approved), the roles are JupyterHub groups named after `avgkit.roles.ROLES`. Commands work
while the server runs: a disabled user's hub session and tokens are revoked and their app is
stopped at once; a new role applies from the user's next app start (this stops the app too)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from avgkit.roles import ROLES

MIN_PASSWORD = 10
DB_NAME = "jupyterhub.sqlite"


class UserAdminError(ValueError):
    """A clear message for the terminal (exit status 1)."""


@dataclass
class UserRow:
    name: str
    role: str
    active: bool
    last_activity: str

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "active": self.active,
                "last_activity": self.last_activity}


def state_dir_for(store: str | os.PathLike) -> Path:
    """The server's own folder, next to its store unless `--state` says otherwise."""
    return Path(store).expanduser().resolve().parent / "avgkit-server"


@contextlib.contextmanager
def hub_db(state: Path) -> Iterator:
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo

    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)
    db = orm.new_session_factory(f"sqlite:///{state / DB_NAME}")()
    try:
        UserInfo.__table__.create(db.get_bind(), checkfirst=True)
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


def normalise(name: str) -> str:
    name = name.strip().lower()
    if not name or len(name) > 64 or any(ch in name for ch in "/\\ ,\t\n\x00") \
            or name.startswith("."):
        raise UserAdminError(f"ongeldige gebruikersnaam {name!r}: geen spaties, '/' of ','")
    return name


def check_password(password: str) -> None:
    from nativeauthenticator import NativeAuthenticator

    if len(password) < MIN_PASSWORD:
        raise UserAdminError(f"wachtwoord te kort: minstens {MIN_PASSWORD} tekens")
    if NativeAuthenticator.is_password_common(NativeAuthenticator, password):
        raise UserAdminError("wachtwoord staat in de lijst van veelgebruikte wachtwoorden")


def _hash(password: str) -> bytes:
    import bcrypt

    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())


def _info(db, name: str):
    from nativeauthenticator.orm import UserInfo

    return db.query(UserInfo).filter(UserInfo.username == name).first()


def _user(db, name: str):
    from jupyterhub import orm

    return db.query(orm.User).filter(orm.User.name == name).first()


def _set_role(db, user, role: str) -> None:
    from jupyterhub import orm

    if role not in ROLES:
        raise UserAdminError(f"onbekende rol {role!r}; kies uit {', '.join(ROLES)}")
    user.groups = [g for g in user.groups if g.name not in ROLES]
    group = db.query(orm.Group).filter(orm.Group.name == role).first() or orm.Group(name=role)
    user.groups.append(group)


def _revoke(db, user) -> None:
    """End the user's sessions: hub cookie, tokens (the app's login), and the running app."""
    from jupyterhub import orm

    user.cookie_id = orm.new_token()
    for token in list(user.api_tokens):
        db.delete(token)
    for spawner in user._orm_spawners:
        pid = (spawner.state or {}).get("pid")
        if pid and _is_users_app(pid, user.name):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)


def _is_users_app(pid: int, name: str) -> bool:
    """The pid is (still) this user's app, not a process that reused the number."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"JUPYTERHUB_USER={name}".encode() in environ and b"AVGKIT_SERVER=1" in environ


def add(state: Path, name: str, role: str, password: str) -> None:
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo

    name = normalise(name)
    check_password(password)
    with hub_db(state) as db:
        if _info(db, name) is not None:
            raise UserAdminError(f"gebruiker {name!r} bestaat al")
        db.add(UserInfo(username=name, password=_hash(password), is_authorized=True))
        user = _user(db, name) or orm.User(name=name)
        db.add(user)
        _set_role(db, user, role)


def set_role(state: Path, name: str, role: str) -> None:
    with hub_db(state) as db:
        user = _existing(db, normalise(name))
        _set_role(db, user, role)
        for spawner in user._orm_spawners:  # the role is read when the app starts
            pid = (spawner.state or {}).get("pid")
            if pid and _is_users_app(pid, user.name):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGTERM)


def _existing(db, name: str):
    from jupyterhub import orm

    info = _info(db, name)
    if info is None:
        raise UserAdminError(f"gebruiker {name!r} bestaat niet")
    user = _user(db, name)
    if user is None:
        user = orm.User(name=name)
        db.add(user)
    return user


def disable(state: Path, name: str) -> None:
    name = normalise(name)
    with hub_db(state) as db:
        user = _existing(db, name)
        _info(db, name).is_authorized = False
        _revoke(db, user)


def enable(state: Path, name: str) -> None:
    name = normalise(name)
    with hub_db(state) as db:
        _existing(db, name)
        _info(db, name).is_authorized = True


def reset_password(state: Path, name: str, password: str) -> None:
    name = normalise(name)
    check_password(password)
    with hub_db(state) as db:
        user = _existing(db, name)
        _info(db, name).password = _hash(password)
        _revoke(db, user)


def list_users(state: Path) -> list[UserRow]:
    from nativeauthenticator.orm import UserInfo

    from avgkit.server.spawner import role_of

    rows = []
    with hub_db(state) as db:
        for info in db.query(UserInfo).order_by(UserInfo.username):
            user = _user(db, info.username)
            groups = [g.name for g in user.groups] if user else []
            last = user.last_activity.strftime("%Y-%m-%d %H:%M") \
                if user and user.last_activity else ""
            rows.append(UserRow(info.username, role_of(groups), bool(info.is_authorized), last))
    return rows
