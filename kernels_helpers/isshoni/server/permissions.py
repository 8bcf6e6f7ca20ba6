"""Who may do what beyond reading and editing: the one check every deploy action goes through.

Deploy, preview, destroy, canary and rollback (REST), and writing a job record, all ask
`may_deploy`, which asks jupyter_server's own authorizer for `execute` on `isshoni:deploy`.
The default authorizer allows every signed-in user (everyone may deploy, as before roles);
a server configured with another `Authorizer` (roles, JupyterHub scopes) decides here.
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


async def require_deploy(handler) -> None:
    """403, saying who and why, unless `may_deploy`."""
    if not await may_deploy(handler):
        raise ApiError(403, f"{author_of(handler.current_user)} may not deploy on this server: its authorizer refuses "
                       f"'{DEPLOY_ACTION}' on '{DEPLOY_RESOURCE}' (ask whoever runs the server for the deployer role)")
