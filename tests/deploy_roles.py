"""A jupyter_server Authorizer for tests: the real mechanism a server uses for roles
(`c.ServerApp.authorizer_class`), with the role taken from a cookie the test browser or client
sets, since every token user of a test server is an anonymous one with a random name.
A "viewer" may read and edit but not deploy."""

from __future__ import annotations

from jupyter_server.auth.authorizer import Authorizer

ROLE_COOKIE = "isshoni_test_role"
OPTION = "--ServerApp.authorizer_class=deploy_roles.NoDeployForViewers"


class NoDeployForViewers(Authorizer):
    def is_authorized(self, handler, user, action, resource) -> bool:
        if resource == "isshoni:deploy" and action == "execute":
            return handler.get_cookie(ROLE_COOKIE) != "viewer"
        return True
