"""Who may do what beyond reading and editing: the one check every deploy action goes through.

Deploy, preview, destroy, canary and rollback (REST), and writing a job record, all ask
`may_deploy`, which asks jupyter_server's own authorizer for `execute` on `isshoni:deploy`.
The default authorizer allows every signed-in user (everyone may deploy, as before roles);
a server configured with another `Authorizer` (Isshoni's roles: authorizer.py) decides here.
"""

from __future__ import annotations

from jupyter_server.utils import ensure_async

from ..design.history import author_of
from .errors import ApiError

DEPLOY_ACTION = "execute"
DEPLOY_RESOURCE = "isshoni:deploy"


async def may_deploy(handler) -> bool:
    """Whether the request's user may deploy, destroy, run a canary or roll back."""
    user = handler.current_user
    if not user:
        return False
    return bool(await ensure_async(handler.authorizer.is_authorized(handler, user, DEPLOY_ACTION, DEPLOY_RESOURCE)))


async def role_of(handler) -> dict:
    """`role` (viewer, editor, deployer; None under an authorizer without roles), where it came
    from, and `can_edit` (write on contents: what the room asks before taking an update)."""
    user = handler.current_user
    named = getattr(handler.authorizer, "role_of", None)
    role, why = named(user) if named is not None and user else (None, "this server's authorizer has no roles")
    can_edit = bool(user) and bool(await ensure_async(handler.authorizer.is_authorized(handler, user, "write", "contents")))
    return {"role": role, "role_from": why, "can_edit": can_edit}


async def require_deploy(handler) -> None:
    """403, saying who and why, unless `may_deploy`."""
    if not await may_deploy(handler):
        role = (await role_of(handler))["role"]
        held = f"holds the {role} role" if role else "has no deployer rights"
        raise ApiError(403, f"{author_of(handler.current_user)} may not deploy on this server: {held} "
                       f"('{DEPLOY_ACTION}' on '{DEPLOY_RESOURCE}' is refused; ask whoever runs the server for the deployer role)")
