"""The offline planner: each intent, phrased three ways, becomes a design whose
CloudFormation lints with 0 cfn-lint errors and whose Terraform validates with
the real AWS provider (one terraform run per intent: the three phrasings of an
intent build the same design, which the test checks)."""

from __future__ import annotations

import pytest

from iac import lint_errors, terraform_errors
from isshoni import Design, templates
from isshoni.assistant import Assistant, ask
from isshoni.assistant.planner import recognise
from isshoni.checks import toolchain

PHRASINGS = {
    "web_app_db": ("a web app with a postgres database",
                   "host our Django application with a database behind a load balancer",
                   "WordPress on auto scaling servers with MySQL"),
    "static_site": ("a static website", "our marketing landing page on S3 with CloudFront",
                    "a blog that is just static HTML files"),
    "serverless_api": ("a serverless API", "a REST API on Lambda", "a CRUD API built from functions"),
    "chat_canary": ("a chat service with a canary deploy", "real-time chat app with blue/green deployments",
                    "a messaging app for our users, released as a canary"),
    "queue_worker": ("a queue worker", "process background jobs asynchronously",
                     "an SQS queue feeding workers"),  # (workers that resize uploads need the uploads' bucket: composed)
    "alerting": ("I want a disaster-notification system", "send alerts to people when an earthquake is reported",
                 "an emergency notification service"),
    "data_lake": ("a data lake", "analytics on our clickstream with Athena", "an ETL pipeline so analysts can query events"),
}
OFFLINE = Assistant(check_after=False)  # tests run without a key (conftest), so the planner answers


def build(prompt: str) -> tuple[Design, dict]:
    design = Design(name="planned")
    message = ask(design, prompt, config=OFFLINE, author="dana")
    return design, message


@pytest.mark.parametrize("intent", sorted(PHRASINGS))
def test_each_intent_phrased_three_ways_lints_clean(intent):
    designs = []
    for prompt in PHRASINGS[intent]:
        assert recognise(prompt).name == intent, prompt
        design, message = build(prompt)
        assert message["status"] == "done" and message["engine"] == "offline-planner"
        assert message["text"].startswith("Offline planner (no ANTHROPIC_API_KEY is set") and message["ops"]
        assert design.chat[-1]["author"] == "assistant"
        design.validate()
        assert lint_errors(design) == [], prompt
        designs.append({k: design.data[k] for k in ("resources", "connections")})
    assert designs[0] == designs[1] == designs[2]


@pytest.mark.slow
@pytest.mark.parametrize("intent", sorted(PHRASINGS))
def test_each_intent_validates_with_terraform(intent):
    tools = toolchain.find()
    if tools.missing or not tools.mirror:
        pytest.skip(f"terraform validate needs a terraform binary and an AWS provider mirror: {tools.missing or 'no mirror'}")
    design, _ = build(PHRASINGS[intent][0])
    assert terraform_errors(design) == []


def test_add_a_redis_cache_for_the_api_offline():
    design = templates.load("serverless_api")
    message = design.ask("add a Redis cache for the API", config=OFFLINE)
    cache = [rid for rid, r in design.resources.items() if r["type"] == "elasticache_redis"]
    assert len(cache) == 1
    assert design.resources[cache[0]]["parent"] == "private_a"  # a network was added for it
    assert any(c["source"] == "handler" and c["target"] == cache[0] for c in design.connections.values())
    assert "Offline planner" in message["text"] and "handler" in message["text"]
    design.validate()
    assert lint_errors(design) == []


def _overlapping(design: Design) -> set:
    """Pairs of container boxes (as the canvas draws them) that overlap without one holding the other."""
    from isshoni.design.boxes import boxes, is_container
    from isshoni.design.containers import ancestors
    from isshoni.design.placement import CANVAS

    box, res = boxes(design.resources, CANVAS), design.resources
    inner = lambda a, b: b in ancestors(res, a)  # noqa: E731
    cont = sorted(r for r in res if is_container(res[r]))
    return {(a, b) for i, a in enumerate(cont) for b in cont[i + 1:] if not inner(a, b) and not inner(b, a)
            and box[a][0] < box[b][2] and box[b][0] < box[a][2] and box[a][1] < box[b][3] and box[b][1] < box[a][3]}


def test_add_a_redis_cache_for_the_api_on_chat_canary_reuses_the_one_there():
    """The issue's case: a second `redis2` connected to nothing was added, and placed so a subnet box swallowed
    another.  Now the existing Redis is reused; a service that does not use it yet is connected to it."""
    design = templates.load("chat_canary")
    before = design.dumps()
    message = design.ask("add a Redis cache for the API", config=OFFLINE)
    assert message["ops"] == [] and "already has ElastiCache Redis `redis`" in message["text"]
    assert "blue, green already use it" in message["text"]
    design.chat.clear()
    assert design.dumps() == before
    design.remove(next(cid for cid, c in design.connections.items() if (c["source"], c["target"]) == ("green", "redis")))
    message = design.ask("we need a cache for the chat service", config=OFFLINE)
    assert [(op["op"], op["source"], op["target"]) for op in message["ops"]] == [("connect", "green", "redis")]
    assert sum(r["type"] == "elasticache_redis" for r in design.resources.values()) == 1


def test_another_redis_goes_in_its_users_private_subnet_without_moving_any_container():
    design = templates.load("chat_canary")
    positions = {rid: r.get("position") for rid, r in design.resources.items()}
    overlaps = _overlapping(design)
    message = design.ask("add another Redis cache for the API", config=OFFLINE)
    (new,) = [rid for rid, r in design.resources.items() if r["type"] == "elasticache_redis" and rid != "redis"]
    assert design.resources[new]["parent"] == "private_a"  # where the services that use it sit
    assert {(c["source"], c["target"]) for c in design.connections.values() if c["target"] == new} == {("blue", new), ("green", new)}
    assert {rid: design.resources[rid].get("position") for rid in positions} == positions  # nothing else moved
    assert _overlapping(design) <= overlaps  # no container box now covers another it did not
    assert "in private_a" in message["text"]
    design.validate()


def test_a_whole_architecture_joins_an_existing_design_without_clashes():
    design = templates.load("static_site")
    before = set(design.resources)
    ask(design, "and a serverless API for the contact form", config=OFFLINE)
    assert before < set(design.resources)
    assert {"api", "handler", "items"} <= set(design.resources)
    design.validate()


def test_an_unknown_request_changes_nothing_and_says_why():
    design = templates.load("vpc_basic")
    before = design.dumps()
    message = ask(design, "what's the weather like?", config=OFFLINE)
    assert message["ops"] == [] and "could not match" in message["text"]
    assert [m for m in design.chat if m["id"] != message["id"]] == []
    design.chat.clear()
    assert design.dumps() == before


def test_ask_inside_a_running_loop_answers_a_design_and_gives_a_task_for_a_live_doc():
    import asyncio

    from isshoni.yinfra import YInfra

    async def notebook_cell():
        design = Design(name="cell")
        message = ask(design, "a static website", config=OFFLINE)  # answered at once
        doc = YInfra()
        task = ask(doc, "a static website", config=OFFLINE)  # edits happen on this loop
        assert isinstance(task, asyncio.Task)
        live = await task
        return design, message, doc, live

    design, message, doc, live = asyncio.run(notebook_cell())
    assert message["status"] == live["status"] == "done"
    # the static-site template: bucket, CloudFront, and the zone, record and certificate of its domain
    assert set(design.resources) == set(doc.design().resources) == {"cdn", "site", "certificate", "www", "zone"}


def test_the_planner_can_be_chosen_even_with_a_key(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key-not-a-secret")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")  # never asked
    design = Design(name="chosen")
    message = ask(design, "a static website", config=Assistant(offline=True, check_after=False))
    assert message["text"].startswith("Offline planner (chosen in the settings") and "cdn" in design.resources


@pytest.mark.parametrize("request_, changed", [
    ("make it highly available", {"blue": {"desired_count": 2, "min_count": 2}, "green": {"desired_count": 2, "min_count": 2}}),
    ("Please make the chat services highly available.", {"blue": {"desired_count": 2, "min_count": 2},
                                                         "green": {"desired_count": 2, "min_count": 2}}),
    ("make everything cheaper", {"redis": {"automatic_failover": False}}),
    ("reduce the cost", {"redis": {"automatic_failover": False}}),
])
def test_highly_available_and_cheaper_set_the_catalogs_properties(request_, changed):
    design = templates.load("chat_canary")
    message = design.ask(request_, config=OFFLINE)
    assert {op["id"]: op["properties"] for op in message["ops"]} == changed
    for rid, properties in changed.items():
        assert {k: design.resources[rid]["properties"].get(k) for k in properties} == properties
    design.validate()


def test_edits_that_name_what_they_change_or_ask():
    design = templates.load("chat_canary")
    message = design.ask("remove the alb logs bucket", config=OFFLINE)  # most words: alb_logs, not alb
    assert [op["id"] for op in message["ops"]] == ["alb_logs"] and "alb_logs" not in design.resources and "alb" in design.resources
    message = design.ask("remove the table", config=OFFLINE)  # three tables: asked, nothing removed
    assert message["ops"] == [] and "`connections`, `messages`, `user_counter`" in message["text"]
    message = design.ask("remove the vpc", config=OFFLINE)  # a container with things inside it
    assert message["ops"] == [] and "remove or move those first" in message["text"]
    message = design.ask('rename the redis to "Session cache"', config=OFFLINE)
    assert design.resources["redis"]["label"] == "Session cache" and "its id stays `redis`" in message["text"]
    message = design.ask("make the database highly available", config=OFFLINE)  # there is none
    assert message["ops"] == [] and "found nothing called 'the database'" in message["text"]
    message = design.ask("put it in eu-west-1", config=OFFLINE)
    assert design.region == "eu-west-1" and "set the region to eu-west-1" in message["text"]
    design.validate()


def test_a_request_for_something_new_is_not_taken_for_an_edit():
    design = templates.load("chat_canary")
    region = design.region
    message = design.ask("deploy a static website in eu-west-1", config=OFFLINE)
    assert design.region == region and "static website" in message["text"] and len(message["ops"]) > 1


def _with_chat(*lines, start: str | None = None) -> Design:
    design = templates.load(start) if start else Design(name="room")
    for i, (author, text) in enumerate(lines):
        design.chat.append({"id": f"m{i}", "author": author, "text": text, "time": i})
    return design


def _stores(design: Design) -> set:
    return {(r["type"], (r.get("properties") or {}).get("engine")) for r in design.resources.values()
            if r["type"] in ("rds_instance", "aurora_cluster", "dynamodb_table")}


def test_a_decision_in_the_chat_changes_what_is_built_and_is_cited():
    """Issue 17, item 4: the same request builds another store when the team decided on one, and says whose words it followed."""
    request = "containers behind a load balancer with a relational database"
    plain = Design(name="room")
    plain.ask(request, config=OFFLINE)
    decided = _with_chat(("alice", "Morning all."), ("alice", "We decided on MySQL for the app database, not Postgres."))
    message = decided.ask(request, config=OFFLINE)
    assert _stores(plain) == {("rds_instance", None)} and _stores(decided) == {("rds_instance", "mysql")}
    assert "alice: \u201cWe decided on MySQL for the app database, not Postgres.\u201d" in message["text"]
    decided.validate()

    request = "a Lambda API that stores orders in a database"
    chose = _with_chat(("bob", "let's use DynamoDB, not RDS."))
    chose.ask(request, config=OFFLINE)
    assert _stores(chose) == {("dynamodb_table", None)}


def test_a_note_on_a_node_is_a_decision_too_and_the_newer_request_wins_over_the_chat():
    design = _with_chat(start="chat_canary")
    design.set_notes("blue", "We use Aurora for anything relational here.")
    message = design.ask("add a database for the chat service", config=OFFLINE)
    assert ("aurora_cluster", None) in _stores(design) and "the note on blue" in message["text"]
    # a request that names what the chat ruled out asks for it anew: the chat's words are not applied
    named = _with_chat(("carol", "we said MySQL, not Postgres"))
    message = named.ask("a web app with a postgres database", config=OFFLINE)
    assert ("rds_instance", "mysql") not in _stores(named) and "Following what the team decided" not in message["text"]


def test_a_pasted_or_hostile_chat_is_read_within_bounds():
    from isshoni.assistant import room

    flood = [{"id": str(i), "author": "mallory", "text": "We decided on MySQL, not Postgres. " * 600 + "we said " + "not mysql, " * 2000}
             for i in range(20)]
    found = room.decisions(flood)
    assert 0 < len(found) <= room.MAX_SENTENCES and all(len(d.rejected_words) <= room.MAX_REJECTED for d in found)
