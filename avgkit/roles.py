"""What each role on the team server may do. One table, one function: `can(role, action)`.

- auditor: opens and creates assessments, edits answers, makes drafts;
- reviewer: reads everything an auditor reads, signs off and reopens; does not edit answers;
- reader (management): reports and the overview only; never a kernel, never a change.

`role=None` is laptop mode (one person, no server): everything is allowed, as before."""

from __future__ import annotations

ROLES = ("auditor", "reviewer", "reader")
ACTIONS = ("overview", "report", "open", "create", "edit", "draft", "sign_off", "reopen")

PERMISSIONS: dict[str, frozenset[str]] = {
    "auditor": frozenset({"overview", "report", "open", "create", "edit", "draft"}),
    "reviewer": frozenset({"overview", "report", "open", "draft", "sign_off", "reopen"}),
    "reader": frozenset({"overview", "report"}),
}

# Store field paths that a sign-off or a reopening writes (the review's own fields). An update
# touching only these needs "sign_off"/"reopen"; any other path needs "edit".
REVIEW_PATHS = ("review", "sign_off", "signoff", "status")


class RoleError(PermissionError):
    """The role may not do this; `action` and `role` say what was refused."""

    def __init__(self, role: str, action: str):
        self.role, self.action = role, action
        super().__init__(f"de rol {role!r} mag dit niet ({action})")


def can(role: str | None, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}")
    if role is None:
        return True
    return action in PERMISSIONS.get(role, frozenset())


def require(role: str | None, action: str) -> None:
    if not can(role, action):
        raise RoleError(role or "", action)


def is_review_path(path: str) -> bool:
    return any(path == p or path.startswith(p + ".") for p in REVIEW_PATHS)


def action_for_update(paths: list[str] | tuple[str, ...]) -> str:
    """"edit" unless every changed path is one of the review's own fields ("sign_off")."""
    return "sign_off" if paths and all(is_review_path(p) for p in paths) else "edit"


def allowed_update(role: str | None, paths: list[str] | tuple[str, ...]) -> bool:
    action = action_for_update(paths)
    if action == "sign_off":
        return can(role, "sign_off") or can(role, "reopen") or can(role, "edit")
    return can(role, "edit")
