"""Roles without JupyterHub (server/roles.py, authorizer.py, identity.py): the rules, the role
file, named tokens, and a real server where bob (viewer), carol (editor) and alice (deployer)
share one design: bob's websocket updates change nothing, carol's reach alice, and only alice
may deploy."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path

import httpx
import pytest

from isshoni import templates
from isshoni.server import roles
from isshoni.server.authorizer import IsshoniAuthorizer
from isshoni.server.identity import NamedTokens, add_user, read_users, token_hash
from isshoni.server.roles import RoleConfigError, RoleMap, allowed
from rooms import isshoni_server, joined, until
from team import team_options

DESIGN = "app.infra.json"
API = "/isshoni/api"


# ---------------------------------------------------------------- the rules
def test_role_map_precedence_user_then_highest_group_then_owner_then_default():
    rm = RoleMap.parse({"users": {"bob": "viewer"}, "groups": {"ops": "deployer", "dev": "editor"}, "default": "viewer", "owner": "editor"})
    assert rm.role_of("bob", ["ops"]) == ("viewer", "user 'bob'")  # a user's own entry wins over groups
    assert rm.role_of("dana", ["dev", "ops"]) == ("deployer", "group 'ops'")
    assert rm.role_of("erin", [], is_owner=True) == ("editor", "the server's owner")
    assert rm.role_of("fred") == ("viewer", "the default role")
    assert RoleMap.parse({"users": {"a": "editor"}}).role_of("zed") == (None, "no role configured for this user")


@pytest.mark.parametrize("data, words", [
    ({"users": {"bob": "admin"}}, "unknown role 'admin'"),
    ({"people": {}}, "unknown key(s) 'people'"),
    ({"groups": ["ops"]}, "'groups' must map names to roles"),
    ({"users": {" ": "viewer"}}, "empty name"),
    ({"default": "root"}, "unknown role 'root'"),
    ([], "expected an object"),
])
def test_bad_role_maps_say_what_is_wrong(data, words):
    with pytest.raises(RoleConfigError, match=None) as caught:
        RoleMap.parse(data, "roles.json")
    assert words in str(caught.value) and "roles.json" in str(caught.value)


def test_what_each_role_may_do():
    for action in ("read",):
        assert all(allowed(r, action, "contents") for r in roles.ROLES)
    assert not allowed("viewer", "write", "contents") and allowed("editor", "write", "contents")
    assert allowed("viewer", "write", "contents", "DocSessionHandler")  # opening a room changes no file
    assert [allowed(r, "execute", "isshoni:deploy") for r in roles.ROLES] == [False, False, True]
    assert [allowed(r, "execute", "kernels") for r in roles.ROLES] == [False, False, True]  # code runs with the account's keys
    assert allowed("editor", "execute", "kernels", editors_run_code=True)
    assert allowed("viewer", "execute", "events") and not allowed("viewer", "write", "events")
    assert not allowed(None, "read", "contents") and not allowed("root", "read", "contents")


def test_role_files_json_and_yaml_and_their_errors(tmp_path):
    (tmp_path / "r.yaml").write_text("users:\n  bob: viewer\ndefault: editor\n")
    assert roles.load(tmp_path / "r.yaml").role_of("bob") == ("viewer", "user 'bob'")
    (tmp_path / "r.json").write_text('{"users": {"bob": "viewer"},}')
    with pytest.raises(RoleConfigError, match="not valid JSON"):
        roles.load(tmp_path / "r.json")
    (tmp_path / "bad.yaml").write_text("users: [unclosed\n")
    with pytest.raises(RoleConfigError, match="not valid YAML"):
        roles.load(tmp_path / "bad.yaml")
    with pytest.raises(RoleConfigError, match="cannot read the role file"):
        roles.load(tmp_path / "missing.json")


class _User:
    def __init__(self, username, groups=()):
        self.username = username
        self.hub_user = {"name": username, "groups": list(groups)}


def test_authorizer_without_roles_lets_everyone_deploy_and_says_so(caplog):
    caplog.set_level(logging.INFO)
    auth = IsshoniAuthorizer(log=logging.getLogger("test"))
    assert auth.role_of(_User("anyone")) == ("deployer", "no roles configured on this server")
    assert auth.is_authorized(None, _User("anyone"), "execute", "isshoni:deploy")
    assert "no roles configured: every signed-in user of this server is a deployer" in caplog.text


def test_authorizer_reads_the_role_file_again_and_keeps_the_last_good_one(tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    path = tmp_path / "roles.json"
    path.write_text(json.dumps({"users": {"bob": "viewer"}, "groups": {"team": "editor"}}))
    auth = IsshoniAuthorizer(roles_file=str(path), log=logging.getLogger("test"))
    assert auth.role_of(_User("bob"))[0] == "viewer"
    assert auth.role_of(_User("carol", ["team"])) == ("editor", "group 'team'")  # JupyterHub groups come with the identity
    assert auth.role_of(_User("alice")) == ("deployer", "the server's owner")
    assert auth.role_of(_User("mallory")) == (None, "no role configured for this user")
    assert not auth.is_authorized(None, _User("mallory"), "read", "contents")
    path.write_text(json.dumps({"users": {"bob": "editor"}}) + " ")  # another size: seen as changed
    assert auth.role_of(_User("bob"))[0] == "editor"
    path.write_text('{"users": {"bob": "god"}}')
    caplog.set_level(logging.ERROR)
    assert auth.role_of(_User("bob"))[0] == "editor"
    assert "unknown role 'god'" in caplog.text and "keeping the roles read before" in caplog.text


def test_a_bad_role_file_at_start_is_refused(tmp_path):
    (tmp_path / "roles.json").write_text('{"users": {"bob": "boss"}}')
    with pytest.raises(RoleConfigError, match="unknown role 'boss'"):
        IsshoniAuthorizer(roles_file=str(tmp_path / "roles.json"), log=logging.getLogger("test"))


def test_named_tokens_keep_only_hashes(tmp_path):
    path = tmp_path / "users.json"
    token = add_user(path, "bob", "Bob B.", "#ff0000")
    stored = path.read_text()
    assert token not in stored and token_hash(token) in stored and oct(path.stat().st_mode & 0o777) == "0o600"
    assert read_users(path)["bob"] == {"token_sha256": token_hash(token), "display_name": "Bob B.", "color": "#ff0000"}
    provider = NamedTokens(users_file=str(path), log=logging.getLogger("test"))
    assert provider.user_for(token).username == "bob" and provider.user_for(token).display_name == "Bob B."
    assert provider.user_for("wrong") is None and provider.user_for("") is None
    path.write_text('{"eve": {"token_sha256": "short"}}')
    with pytest.raises(ValueError, match="64 hex digits"):
        NamedTokens(users_file=str(path), log=logging.getLogger("test"))


# ---------------------------------------------------------------- a real server, three people
@pytest.fixture(scope="module")
def team(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roles")
    root = tmp / "root"
    root.mkdir()
    templates.load("vpc_basic").save(root / DESIGN)
    tokens, options = team_options(tmp)
    with isshoni_server(root, tmp, *options) as (base, _):
        clients = {name: httpx.Client(base_url=base, headers={"Authorization": f"token {tok}"}, timeout=120) for name, tok in tokens.items()}
        yield {"base": base, "root": root, "tokens": tokens, "clients": clients, "tmp": tmp}
        for client in clients.values():
            client.close()


def test_each_person_has_their_role(team):
    for name, role in (("alice", "deployer"), ("bob", "viewer"), ("carol", "editor")):
        me = team["clients"][name].get(f"{API}/me").json()
        assert (me["name"], me["role"], me["can_edit"], me["can_deploy"]) == (name.title(), role, role != "viewer", role == "deployer")
    refused = httpx.get(f"{team['base']}{API}/me", headers={"Authorization": "token nobody-has-this"})
    assert refused.status_code in (302, 403)


def test_a_viewers_websocket_update_changes_nothing_and_an_editors_reaches_the_owner(team):
    path = team["root"] / DESIGN
    before_file = path.read_bytes()

    async def scenario():
        base, tokens = team["base"], team["tokens"]
        async with joined(base, tokens["alice"], DESIGN) as alice, joined(base, tokens["bob"], DESIGN) as bob:
            before = alice.get()
            rid = next(iter(bob._yresources.keys()))
            bob._yresources[rid]["label"] = "bob was here"  # a hand-made update over bob's own websocket
            bob._yresources[rid]["properties"]["cidr"] = "10.99.0.0/16"
            await asyncio.sleep(1.5)  # the room had time to apply and relay it, and to save
            assert alice.get() == before
            async with joined(base, tokens["carol"], DESIGN) as carol:
                carol._yresources[rid]["label"] = "carol's label"
                assert await until(lambda: alice.design().resources[rid].get("label") == "carol's label", timeout=20)
                assert carol.design().resources[rid]["label"] == "carol's label"
            return rid

    asyncio.run(scenario())
    # the room wrote carol's edit; bob's never reached the document, so his cidr is not on disk
    deadline = time.monotonic() + 20
    while b"carol's label" not in path.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.1)
    saved = path.read_text()
    assert "carol's label" in saved and "bob was here" not in saved and "10.99.0.0/16" not in saved
    assert before_file != path.read_bytes()
    log = "".join(p.read_text() for p in Path(team["tmp"]).glob("jupyter-*.log"))
    assert "dropped an update from Bob, who may not edit (viewer)" in log
    # who did what: carol's burst of edits is recorded with her identity (log and Jupyter event), bob has none
    deadline = time.monotonic() + 20
    while "edited by Carol (carol): resources" not in log and time.monotonic() < deadline:
        time.sleep(0.2)
        log = "".join(p.read_text() for p in Path(team["tmp"]).glob("jupyter-*.log"))
    assert "edited by Carol (carol): resources" in log and "edited by Bob" not in log


def test_only_the_deployer_may_deploy_and_viewers_may_not_edit_over_rest(team):
    for name in ("bob", "carol"):
        refused = team["clients"][name].post(f"{API}/designs/{DESIGN}/deploy", json={})
        assert refused.status_code == 403, refused.text
        message = refused.json()["message"]
        assert f"{name.title()} may not deploy on this server" in message and ("viewer" in message or "editor" in message)
    edit = team["clients"]["bob"].post(f"{API}/designs/{DESIGN}/canvas", json={"ops": []})
    assert edit.status_code == 403
    assert team["clients"]["carol"].get(f"{API}/designs/{DESIGN}/canvas").status_code == 200
    assert team["clients"]["bob"].get(f"{API}/designs/{DESIGN}/canvas").status_code == 200  # viewers read
    # the deployer is let through the same check (the job itself is tested in test_deploy_rest.py:
    # here a destroy of a design never deployed answers past the role check, with a 4xx of its own)
    answer = team["clients"]["alice"].post(f"{API}/designs/{DESIGN}/destroy", json={})
    assert answer.status_code != 403 and "may not deploy" not in answer.text, answer.text


def test_only_deployers_run_code_and_the_assistant_acts_for_editors(team):
    for name in ("bob", "carol"):  # a kernel runs with the account's credentials: the kernel helpers could deploy
        assert team["clients"][name].post("/api/kernels", json={}).status_code == 403
    asked = team["clients"]["bob"].post(f"{API}/designs/{DESIGN}/assistant", json={"prompt": "add a queue"})
    assert asked.status_code == 403  # the assistant acts with the role of whoever asked it
    assert os.environ.get("JUPYTERHUB_USER") is None  # no owner role without JupyterHub


def test_users_and_roles_from_the_command_line(tmp_path, capsys):
    from isshoni.cli import main

    users = tmp_path / "users.json"
    assert main(["users", str(users), "add", "dana", "--display-name", "Dana"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token not in users.read_text() and read_users(users)["dana"]["token_sha256"] == token_hash(token)
    assert main(["users", str(users)]) == 0 and "dana  (Dana)" in capsys.readouterr().out
    assert main(["users", str(users), "remove", "zed"]) == 2 and "has no user 'zed'" in capsys.readouterr().err
    assert main(["users", str(users), "remove", "dana"]) == 0 and read_users(users) == {}
    capsys.readouterr()
    (tmp_path / "roles.yaml").write_text("users:\n  bob: viewer\ngroups:\n  ops: deployer\n")
    assert main(["roles", str(tmp_path / "roles.yaml")]) == 0
    assert capsys.readouterr().out.splitlines() == ["user bob: viewer", "group ops: deployer", "anyone else: no access"]
    (tmp_path / "bad.yaml").write_text("users:\n  bob: boss\n")
    assert main(["roles", str(tmp_path / "bad.yaml")]) == 2 and "unknown role 'boss'" in capsys.readouterr().err
