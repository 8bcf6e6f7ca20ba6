"""Named versions and comparisons of a live design on a real server (issue 20, items 3 and 4):
three versions named through edits, compared (with each other, with git HEAD, with the same
design), one restored while someone else edits; every version there after the server is killed and
started again; bad input answered clearly; a viewer may compare but not name a version."""

from __future__ import annotations

import asyncio
import json
import signal

import httpx
import pytest

from gitrepo import committed
from isshoni import templates
from isshoni.yinfra import YInfra
from rooms import isshoni_server, joined, until
from team import team_options

DESIGN = "app.infra.json"
API = "/isshoni/api"


@pytest.fixture()
def team(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    templates.load("vpc_basic").save(root / DESIGN)
    committed(root, DESIGN)
    tokens, options = team_options(tmp_path)
    return {"root": root, "tmp": tmp_path, "tokens": tokens, "options": options}


def _props(client: httpx.Client, url: str, rid: str) -> dict:
    return client.get(f"{url}/canvas").json()["design"]["resources"][rid].get("properties", {})


def _client(base: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=120)


def test_versions_named_compared_restored_and_kept_over_a_restart(team):
    root, tokens = team["root"], team["tokens"]
    with isshoni_server(root, team["tmp"], *team["options"]) as (base, _):
        carol, bob = _client(base, tokens["carol"]), _client(base, tokens["bob"])
        url = f"{API}/designs/{DESIGN}"
        rid = next(r for r, v in json.loads((root / DESIGN).read_text())["resources"].items() if v["type"] == "vpc")

        async def name_three_through_edits():
            async with joined(base, tokens["alice"], DESIGN) as alice:
                for n, traffic in enumerate(("ACCEPT", "REJECT", "ALL"), 1):
                    alice._yresources[rid]["properties"]["flow_log_traffic"] = traffic
                    assert await until(lambda t=traffic: _props(carol, url, rid).get("flow_log_traffic") == t)
                    answer = carol.post(f"{url}/versions", json={"name": f"v{n}", "note": f"flow logs {traffic}"})
                    assert answer.status_code == 201, answer.text
                    assert answer.json()["version"]["author"] == "Carol"  # signed with who named it
                return alice.get()

        asyncio.run(name_three_through_edits())
        listed = carol.get(f"{url}/versions").json()["versions"]
        assert [v["name"] for v in listed] == ["v1", "v2", "v3"] and listed[0]["note"] == "flow logs ACCEPT"

        # diff any two: a version with the live design, with git HEAD, with the same content
        seen = bob.post(f"{url}/compare", json={"against": "version:v1", "format": "terraform"})  # viewers may compare
        assert seen.status_code == 200, seen.text
        seen = seen.json()
        assert seen["label"] == "version v1" and not seen["same"]
        (changed,) = seen["diff"]["resources"]
        assert changed["id"] == rid and changed["changes"] == [{"path": "/properties/flow_log_traffic", "old": "ACCEPT", "new": "ALL"}]
        code = seen["code"].splitlines()
        assert any(line.startswith("-") and '"ACCEPT"' in line for line in code) and any(line.startswith("+") and '"ALL"' in line for line in code)
        head = carol.post(f"{url}/compare", json={"against": "HEAD"})
        assert head.status_code == 200, head.text
        head = head.json()
        assert head["label"] == "git HEAD" and head["diff"]["counts"]["resources_changed"] == 1
        assert carol.post(f"{url}/compare", json={"against": "version:v3"}).json()["same"] is True  # the design with itself

        # bad input
        unknown = carol.post(f"{url}/versions/restore", json={"name": "v9"})
        assert unknown.status_code == 400 and "no version named 'v9'" in unknown.text and "v1, v2, v3" in unknown.text
        assert carol.post(f"{url}/compare", json={"against": "version:v9"}).status_code == 400
        assert carol.post(f"{url}/compare", json={"against": "yesterday"}).status_code == 400
        assert carol.post(f"{url}/compare", json={"against": "deploy"}).status_code == 404  # never deployed
        assert carol.post(f"{url}/versions", json={"name": "v1"}).status_code == 400  # taken
        refused = bob.post(f"{url}/versions", json={"name": "bob's"})
        assert refused.status_code == 403  # a viewer may not name a version

        # restore v1 while someone else edits: their edit (another node) survives; undo the restore
        other = next(r for r in json.loads((root / DESIGN).read_text())["resources"] if r != rid)

        async def restore_while_editing():
            async with joined(base, tokens["alice"], DESIGN) as alice:
                # alice edits another node without having seen the restore (her update is made on the
                # content before it, and sent after it): both edits meet in the room
                offline = YInfra()
                offline.ydoc.apply_update(alice.ydoc.get_update())
                state = offline.ydoc.get_state()
                offline._yresources[other]["label"] = "alice's edit"
                answer = carol.post(f"{url}/versions/restore", json={"name": "v1"})
                assert answer.status_code == 200, answer.text
                alice.ydoc.apply_update(offline.ydoc.get_update(state))
                assert await until(lambda: alice.design().resources[rid]["properties"]["flow_log_traffic"] == "ACCEPT")
                assert await until(lambda: carol.get(f"{url}/canvas").json()["design"]["resources"][other].get("label") == "alice's edit")
                return carol.get(f"{url}/canvas").json()["design"]

        restored = asyncio.run(restore_while_editing())
        assert restored["resources"][rid]["properties"]["flow_log_traffic"] == "ACCEPT"
        carol.close()
        bob.close()
        # kill the server (no clean shutdown) and start it again
        pid = int(next(team["tmp"].glob("runtime/jpserver-*.json")).read_text().split('"pid": ')[1].split(",")[0])
        import os

        os.kill(pid, signal.SIGKILL)
    with isshoni_server(root, team["tmp"], *team["options"]) as (base, _):
        with _client(base, tokens["carol"]) as carol:
            listed = carol.get(f"{API}/designs/{DESIGN}/versions").json()["versions"]
            assert [v["name"] for v in listed] == ["v1", "v2", "v3"]
    saved = json.loads((root / DESIGN).read_text())
    assert sorted(saved["versions"]) == ["v1", "v2", "v3"]
