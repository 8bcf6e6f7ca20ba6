"""The REST API under /isshoni/api/ on a real Jupyter server with collaboration:
each endpoint's answer, bad input refused with a message, Jupyter's auth
applied, and every write going through the live room (a joined client sees it,
the room saves it)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import time

import httpx
import pytest

from isshoni import Design, cli, templates
from isshoni.server import handlers as server_handlers
from isshoni.server.openapi import spec
from rooms import joined, ops_seen_in_room, rest_server

API = "/isshoni/api"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with rest_server(tmp_path_factory.mktemp("rest")) as started:
        yield started


def design_file(server, name: str, template: str = "vpc_basic", edit=None) -> str:
    """A fresh design file for one test (each test its own room)."""
    design = templates.load(template)
    if edit:
        edit(design.data)
    path = server["root"] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    design.save(path)
    return name


def saved(server, name: str, predicate, timeout: float = 10) -> dict:
    """The file on disk once `predicate(content)` holds (the room saves after its delay)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            content = json.loads((server["root"] / name).read_text())
        except json.JSONDecodeError:  # Jupyter's atomic writing rewrites the file in place
            content = None
        if content is not None and predicate(content) or time.monotonic() > deadline:
            return content
        time.sleep(0.1)


# ---------------------------------------------------------------- catalog, templates, openapi


def test_catalog_is_what_the_cli_lists(server):
    response = server["client"].get(f"{API}/catalog")
    assert response.status_code == 200
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli.main(["catalog", "--json"]) == 0
    assert response.json() == {"types": json.loads(printed.getvalue())}


def test_templates_names_and_descriptions(server):
    response = server["client"].get(f"{API}/templates")
    assert response.status_code == 200
    expected = []
    for name, description in templates.describe():
        design = templates.load(name)
        expected.append({"name": name, "title": templates.title(name), "description": description, "resources": len(design.resources),
                         "connections": len(design.connections)})
    assert response.json()["templates"] == expected


def test_a_template_and_its_picture_for_the_gallery(server):
    client = server["client"]
    response = client.get(f"{API}/templates/chat_canary")
    assert response.status_code == 200
    assert response.json() == templates.load("chat_canary").data
    picture = client.get(f"{API}/templates/chat_canary/preview.svg")
    assert picture.status_code == 200
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert "default-src 'none'" in picture.headers["content-security-policy"]
    assert picture.headers["x-content-type-options"] == "nosniff"
    assert picture.text.startswith("<svg") and "<script" not in picture.text
    for name in ("no_such_template", "..%2F..%2Fetc%2Fpasswd", "a" * 65):
        for suffix in ("", "/preview.svg"):
            assert client.get(f"{API}/templates/{name}{suffix}").status_code == 404, (name, suffix)


def test_openapi_describes_every_route_and_validates(server):
    document = server["client"].get(f"{API}/openapi.json").json()
    assert document == spec()
    for template, handler in server_handlers.ROUTES:
        assert template in document["paths"], template
        described = {m for m in document["paths"][template] if m != "parameters"}
        assert described == set(server_handlers.methods(handler)), template
    assert len(document["paths"]) == len(server_handlers.ROUTES)
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)


DEPLOY_REFUSALS = {  # route suffix -> (body, status, what the message says)
    "/deploy": ({"target": "moon"}, 400, "unknown target"),
    "/deploy/preview": ({"engine": "cdk"}, 400, "unknown engine"),
    "/destroy": ({}, 400, "send 'confirm'"),
    "/canary": ({"green": 5}, 400, "a canary step is one of"),
    "/rollback": ({}, 409, "not deployed"),
    "/drift": ({}, 409, "is not deployed to sandbox: deploy it first"),
}


def test_every_route_answers(server):
    name = design_file(server, "routes.infra.json")
    for template, handler in server_handlers.ROUTES:
        url = template.replace("{path}", name).replace("{cfn_type}", "AWS::SQS::Queue").replace("{name}", "vpc_basic")
        for method in server_handlers.methods(handler):
            body = {"text": "hi"} if url.endswith("/chat") else {"only": ["isshoni"]} if url.endswith("/check") else {}
            if url.endswith("/canvas") and method == "post":
                body = {"ops": [{"op": "set_meta", "notes": "n"}]}
            if url.endswith("/import"):
                body = {"text": "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n"}
            if url.endswith("/assistant"):  # no key in tests: the offline planner answers
                body = {"prompt": "add a dashboard"}
            if url.endswith("/recovery") and method == "post":  # a good file: nothing to restore, but answered
                response = server["client"].post(url, json={})
                assert response.status_code == 409 and "nothing to restore" in response.json()["message"]
                continue
            if url.endswith("/jobs") and method == "post":  # a job writing its record
                body = {"record": {"id": "deploy-20260101T000000-abcdef", "state": "queued"}, "key": "k" * 32}
            if url.endswith("/assistant/stop"):  # nothing running: refused, but answered
                response = server["client"].post(url, json={})
                assert response.status_code == 409 and "not answering" in response.json()["message"]
                continue
            refusal = next((r for suffix, r in DEPLOY_REFUSALS.items() if url.endswith(suffix)), None)
            if refusal:  # a deploy action: answered with its clear refusal (the full runs: test_deploy_rest.py)
                response = server["client"].post(url, json=refusal[0])
                assert response.status_code == refusal[1] and refusal[2] in response.json()["message"], (url, response.text)
                continue
            if url.endswith("/versions"):
                body = {"name": "routes v1"}
            if url.endswith("/versions/restore"):
                body = {"name": "routes v1"}  # named just before (routes run in their table's order)
            if url.endswith("/compare"):
                body = {"against": "version:routes v1", "format": "terraform"}
            if url.endswith("/assistant/proposal"):
                proposal = server["client"].post(url.replace("/proposal", ""), json={"prompt": "add a topic", "mode": "suggest"})
                body = {"message": proposal.json()["id"], "action": "discard"}
            response = server["client"].request(method.upper(), url, json=body if method == "post" else None)
            assert response.status_code in (200, 201), (method, url, response.text)


# ---------------------------------------------------------------- canvas


def test_canvas_get_is_the_design(server):
    name = design_file(server, "sub/dir/get.infra.json")
    response = server["client"].get(f"{API}/designs/{name}/canvas")
    assert response.status_code == 200
    assert response.json()["design"] == templates.load("vpc_basic").data


OPS = [
    {"op": "add", "type": "ecs_service", "id": "api", "parent": "public_a", "label": "API",
     "properties": {"cpu": "512", "memory": "1024"}, "position": {"x": 10, "y": 20}},
    {"op": "add", "type": "dynamodb_table", "id": "orders"},
    {"op": "connect", "source": "api", "target": "orders", "id": "api_orders", "properties": {"access": "read"}},
    {"op": "set", "id": "api", "properties": {"desired_count": 2}},
    {"op": "set_label", "id": "orders", "label": "Orders"},
    {"op": "set_notes", "id": "orders", "notes": "one table per tenant"},
    {"op": "move", "id": "orders", "position": {"x": 300, "y": 40}},
    {"op": "move_into", "id": "api", "parent": "private_a"},
    {"op": "set_meta", "description": "through REST"},
    {"op": "add", "type": "s3_bucket", "id": "scratch"},
    {"op": "remove", "id": "scratch"},
]


def test_canvas_ops_reach_a_joined_client_and_the_file(server):
    name = design_file(server, "ops.infra.json")
    answer, seen = ops_seen_in_room(server, name, OPS, lambda design: "api_orders" in design.connections)
    answered = answer["design"]
    assert seen.data == answered
    api = answered["resources"]["api"]
    assert api["parent"] == "private_a" and api["label"] == "API" and api["position"] == {"x": 10, "y": 20}
    assert api["properties"] == {"cpu": "512", "memory": "1024", "desired_count": 2}
    orders = answered["resources"]["orders"]
    assert (orders["label"], orders["notes"], orders["position"]) == ("Orders", "one table per tenant", {"x": 300, "y": 40})
    assert answered["connections"]["api_orders"]["properties"] == {"access": "read"}
    assert answered["meta"]["description"] == "through REST"
    assert "scratch" not in answered["resources"]
    on_disk = saved(server, name, lambda c: "api_orders" in c["connections"])
    assert on_disk == answered
    Design.load(server["root"] / name)  # a valid design


def test_a_room_opened_by_rest_is_the_one_a_canvas_joins(server):
    name = design_file(server, "rest-first.infra.json")
    response = server["client"].post(f"{API}/designs/{name}/canvas", json={"ops": [{"op": "set_meta", "notes": "rest"}]})
    assert response.status_code == 200

    async def scenario():
        async with joined(server["base"], server["token"], name) as doc:
            assert doc.design().meta["notes"] == "rest"
            doc._yresources["vpc"]["label"] = "from the canvas"
            async with httpx.AsyncClient(headers={"Authorization": f"token {server['token']}"}) as client:
                async def label():
                    got = await client.get(f"{server['base']}{API}/designs/{name}/canvas")
                    return got.json()["design"]["resources"]["vpc"]["label"]

                for _ in range(100):
                    if await label() == "from the canvas":
                        return True
                    await asyncio.sleep(0.05)
        return False

    assert asyncio.run(scenario())


def test_ops_are_all_or_nothing(server):
    name = design_file(server, "atomic.infra.json")
    before = server["client"].get(f"{API}/designs/{name}/canvas").json()["design"]
    response = server["client"].post(f"{API}/designs/{name}/canvas", json={"ops": [
        {"op": "add", "type": "dynamodb_table", "id": "orders"},
        {"op": "set", "id": "vpc", "properties": {"cidr": "nonsense"}},
    ]})
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert problems and all(p["resource"] == "vpc" for p in problems)
    assert any(p["path"] == "$.resources.vpc.properties.cidr" for p in problems)
    assert response.json()["message"].startswith("ops[1]")
    assert server["client"].get(f"{API}/designs/{name}/canvas").json()["design"] == before


def test_replace_the_whole_design(server):
    name = design_file(server, "replace.infra.json")
    target = templates.load("serverless_api").data
    response = server["client"].post(f"{API}/designs/{name}/canvas", json={"design": target})
    assert response.status_code == 200
    assert response.json()["design"] == target
    assert saved(server, name, lambda c: c == target) == target


def _bad_design():
    data = templates.load("vpc_basic").data
    data["resources"]["vpc"]["properties"]["cidr"] = "10.0.0.0/99"
    return data


BAD_CANVAS = {
    "bad JSON": (b"{not json", "not valid JSON"),
    "not an object": (b"[1, 2]", "JSON object"),
    "neither ops nor design": ({"op": "add"}, "either"),
    "empty ops": ({"ops": []}, "non-empty"),
    "unknown op": ({"ops": [{"op": "explode", "id": "vpc"}]}, "unknown op 'explode'"),
    "unknown type": ({"ops": [{"op": "add", "type": "mainframe"}]}, "unknown resource type 'mainframe'"),
    "invalid property": ({"ops": [{"op": "set", "id": "vpc", "properties": {"cidr": 5}}]}, "cidr"),
    "unknown field": ({"ops": [{"op": "remove", "id": "vpc", "force": True}]}, "unknown field(s) force"),
    "missing field": ({"ops": [{"op": "connect", "source": "vpc"}]}, "missing field(s) target"),
    "wrong field type": ({"ops": [{"op": "move", "id": "vpc", "position": {"x": "left", "y": 0}}]}, "position"),
    "unknown id": ({"ops": [{"op": "set_label", "id": "ghost", "label": "x"}]}, "no resource or connection 'ghost'"),
    "invalid design": ({"design": _bad_design()}, "cidr"),
    "design not an object": ({"design": "x"}, "'design' must be a JSON object"),
}


@pytest.mark.parametrize("case", sorted(BAD_CANVAS))
def test_bad_canvas_input_is_400_with_a_message(server, case):
    name = "bad-input.infra.json"
    if not (server["root"] / name).exists():
        design_file(server, name)
    body, expected = BAD_CANVAS[case]
    kwargs = {"content": body} if isinstance(body, bytes) else {"json": body}
    response = server["client"].post(f"{API}/designs/{name}/canvas", **kwargs)
    assert response.status_code == 400, response.text
    assert expected in response.json()["message"]
    if case in ("invalid property", "invalid design"):
        assert all(set(p) == {"path", "message", "resource"} for p in response.json()["problems"])


@pytest.mark.parametrize("path, status", [
    ("%2E%2E/outside.infra.json", 400),          # traversal
    ("sub/%2E%2E/%2E%2E/outside.infra.json", 400),
    ("%2Fetc%2Fpasswd.infra.json", 400),        # absolute
    ("notes.txt", 400),                           # wrong suffix
    ("design.json", 400),
    ("missing.infra.json", 404),
])
def test_design_paths(server, path, status):
    (server["root"] / "notes.txt").write_text("not a design")
    for endpoint in ("canvas", "chat", "jobs"):
        response = server["client"].get(f"{API}/designs/{path}/{endpoint}")
        assert response.status_code == status, (endpoint, response.text)
        assert response.json()["message"]
    response = server["client"].post(f"{API}/designs/{path}/canvas", json={"ops": [{"op": "set_meta", "notes": "x"}]})
    assert response.status_code == status


# ---------------------------------------------------------------- chat


def test_chat_author_is_the_jupyter_identity(server):
    name = design_file(server, "chat.infra.json")
    me = server["client"].get("/api/me").json()["identity"]
    response = server["client"].post(f"{API}/designs/{name}/chat", json={"text": "hello", "author": "mallory"})
    assert response.status_code == 201
    message = response.json()
    assert message["author"] == (me["display_name"] or me["username"]) != "mallory"
    assert message["text"] == "hello" and message["id"] and message["time"] > 0
    assert server["client"].get(f"{API}/designs/{name}/chat").json()["messages"] == [message]
    assert saved(server, name, lambda c: c["chat"])["chat"] == [message]


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "   "}, {"text": 5}, {"text": "x" * 20_001}])
def test_chat_needs_text(server, body):
    name = design_file(server, "chat-bad.infra.json")
    response = server["client"].post(f"{API}/designs/{name}/chat", json=body)
    assert response.status_code == 400 and "'text'" in response.json()["message"]


# ---------------------------------------------------------------- generate, check, jobs


@pytest.mark.parametrize("fmt, files", [
    ("terraform", {"versions.tf", "variables.tf", "main.tf", "outputs.tf"}),
    ("cloudformation", {"template.yaml"}),
    ("cloudformation-json", {"template.json"}),
])
def test_generate(server, fmt, files):
    name = design_file(server, "generate.infra.json", "chat_canary")
    response = server["client"].post(f"{API}/designs/{name}/generate", json={"format": fmt})
    assert response.status_code == 200
    assert response.json()["format"] == fmt
    assert set(response.json()["files"]) >= files
    from isshoni import generate

    assert response.json()["files"] == generate(templates.load("chat_canary"), fmt)
    # and which lines each design id produced (the code view highlights the selected node's)
    ranges = response.json()["ranges"]
    main = "main.tf" if fmt == "terraform" else next(iter(files))
    first, last = ranges[main]["redis"][0]
    assert 1 <= first < last <= response.json()["files"][main].count("\n")


def test_generate_refuses_a_bad_design_or_format(server):
    name = design_file(server, "generate-bad.infra.json", edit=lambda d: d["resources"]["vpc"]["properties"].update(cidr="10.0.0.0/99"))
    response = server["client"].post(f"{API}/designs/{name}/generate", json={"format": "terraform"})
    assert response.status_code == 400
    assert "cidr" in response.json()["message"] and response.json()["problems"]
    good = design_file(server, "generate-fmt.infra.json")
    response = server["client"].post(f"{API}/designs/{good}/generate", json={"format": "pulumi"})
    assert response.status_code == 400 and "unknown format 'pulumi'" in response.json()["message"]


def test_check_report(server):
    name = design_file(server, "check.infra.json", "chat_canary")
    response = server["client"].post(f"{API}/designs/{name}/check", json={"only": ["isshoni", "cfn-lint"], "skip": ["cfn-lint"]})
    assert response.status_code == 200
    report = response.json()
    assert set(report) == {"ok", "counts", "findings"}
    assert {f["tool"] for f in report["findings"]} <= {"isshoni"}
    from isshoni.checks import check

    assert report == json.loads(json.dumps(check(templates.load("chat_canary"), ("isshoni",)).to_dict()))


@pytest.mark.parametrize("body, expected", [
    ({"only": ["lint-everything"]}, "unknown check tool(s): lint-everything"),
    ({"skip": "checkov"}, "'skip' must be a list"),
])
def test_check_bad_input(server, body, expected):
    name = design_file(server, "check-bad.infra.json")
    response = server["client"].post(f"{API}/designs/{name}/check", json=body)
    assert response.status_code == 400 and expected in response.json()["message"]


def test_check_does_not_block_the_event_loop(server):
    """cfn-lint takes a second or more; the server answers other requests meanwhile."""
    name = design_file(server, "check-slow.infra.json", "chat_canary")

    async def scenario():
        async with httpx.AsyncClient(base_url=server["base"], headers={"Authorization": f"token {server['token']}"}, timeout=120) as client:
            started = time.monotonic()
            check = asyncio.create_task(client.post(f"{API}/designs/{name}/check", json={"only": ["cfn-lint"]}))
            await asyncio.sleep(0.2)
            quick = await client.get(f"{API}/templates")
            answered = time.monotonic() - started
            report = await check
            return quick.status_code, answered, time.monotonic() - started, report.status_code

    quick_status, quick_at, check_at, check_status = asyncio.run(scenario())
    assert quick_status == 200 and check_status == 200
    assert quick_at < check_at, (quick_at, check_at)


def test_jobs_newest_first(server):
    deployments = {
        "first": {"status": "succeeded", "started": 100},
        "third": {"status": "running", "started": 300},
        "second": {"status": "failed", "started": 200},
    }
    name = design_file(server, "jobs.infra.json", edit=lambda d: d["deployments"].update(deployments))
    response = server["client"].get(f"{API}/designs/{name}/jobs")
    assert response.status_code == 200
    assert [j["id"] for j in response.json()["jobs"]] == ["third", "second", "first"]
    assert response.json()["jobs"][0] == {"id": "third", "status": "running", "started": 300}


# ---------------------------------------------------------------- auth


def test_no_token_is_403(server):
    name = design_file(server, "auth.infra.json")
    anonymous = httpx.Client(base_url=server["base"], timeout=30)
    for url in (f"{API}/catalog", f"{API}/cfn-types?q=queue", f"{API}/cfn-types/AWS::SQS::Queue",
                f"{API}/templates", f"{API}/openapi.json", f"{API}/designs/{name}/canvas",
                f"{API}/designs/{name}/chat", f"{API}/designs/{name}/jobs"):
        response = anonymous.get(url)
        assert response.status_code == 403, url
    for endpoint, body in (("canvas", {"ops": [{"op": "set_meta", "notes": "pwned"}]}), ("chat", {"text": "x"}),
                           ("generate", {}), ("check", {})):
        response = anonymous.post(f"{API}/designs/{name}/{endpoint}", json=body)
        assert response.status_code == 403, endpoint
    wrong = anonymous.post(f"{API}/designs/{name}/canvas", json={"ops": [{"op": "set_meta", "notes": "pwned"}]},
                           headers={"Authorization": "token wrong"})
    assert wrong.status_code == 403
    assert "pwned" not in (server["root"] / name).read_text()
    assert server["client"].get(f"{API}/designs/{name}/canvas").json()["design"]["meta"]["notes"] != "pwned"


# ---------------------------------------------------------------- TCP_NODELAY


def test_nodelay_swaps_the_room_handler_wherever_it_is_routed():
    import logging

    from jupyter_server_ydoc.handlers import YDocWebSocketHandler
    from tornado.web import Application

    from isshoni.server import nodelay

    app = Application([(r"/other", server_handlers.CatalogHandler)], default_host="localhost")
    app.add_handlers(".*$", [(r"/api/collaboration/room/(.*)", YDocWebSocketHandler, {})])
    assert nodelay.install(app, logging.getLogger("test")) == 2  # host rules and the default-host copy
    assert nodelay.install(app, logging.getLogger("test")) == 2  # idempotent
    handler = nodelay.nodelay_handler()
    assert issubclass(handler, YDocWebSocketHandler)

    calls = []

    class Probe(handler):
        def __init__(self):
            pass

        def set_nodelay(self, value):
            calls.append(("nodelay", value))

    async def parent_open(self, *args, **kwargs):
        calls.append(("open", args))

    original = YDocWebSocketHandler.open
    YDocWebSocketHandler.open = parent_open
    try:
        asyncio.run(Probe().open("room"))
    finally:
        YDocWebSocketHandler.open = original
    assert calls == [("nodelay", True), ("open", ("room",))]
