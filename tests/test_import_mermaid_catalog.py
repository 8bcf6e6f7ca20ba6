"""The catalog side of the Mermaid importer: aliases kept as data in every entry, and the
`external` type (a system outside AWS: drawn, connectable both ways, emits nothing)."""

from __future__ import annotations

import jsonschema
import pytest

from iac import lint_errors, network
from isshoni import Design
from isshoni.catalog import CATALOG, CATEGORIES
from isshoni.catalog.aliases import match, words
from isshoni.compiler import FORMATS, generate


def test_every_entry_has_aliases_whose_implied_properties_are_valid():
    for name, entry in CATALOG.items():
        assert entry.aliases, f"{name} has no aliases"
        for alias in entry.aliases:
            spelled, props = (alias, {}) if isinstance(alias, str) else alias
            assert isinstance(spelled, str) and words(spelled), (name, alias)
            jsonschema.validate(props, entry.property_schema())


@pytest.mark.parametrize("label,expected", [
    ("PostgreSQL", "rds_instance"), ("RDS", "rds_instance"), ("Postgres DB", "rds_instance"),
    ("postgres-db", "rds_instance"), ("POSTGRES_DB", "rds_instance"), ("Aurora Postgres", "aurora_cluster"),
    ("Lambda", "lambda_function"), ("Orders API<br/>(Lambda)", "lambda_function"), ("function", "lambda_function"),
    ("S3", "s3_bucket"), ("Uploads bucket", "s3_bucket"), ("ALB", "alb"), ("load balancer", "alb"),
    ("Amazon DynamoDB", "dynamodb_table"), ("Dynamo DB", "dynamodb_table"), ("ECS Fargate service", "ecs_service"),
    ("Orders<br>queue", "sqs_queue"), ("Users", "external"), ("GitHub", "external"), ("Stripe API", "external"),
    ("GitHub Actions", "github_deploy_role"), ("Web browser", "external"), ("API Gateway", "api_gateway_http"),
])
def test_labels_name_types_whatever_their_case_spaces_punctuation_and_html(label, expected):
    assert match(label).type == expected


def test_an_alias_may_imply_properties():
    assert match("MySQL").type == "rds_instance" and match("MySQL").properties == {"engine": "mysql"}
    assert match("Postgres").properties == {}


@pytest.mark.parametrize("label,candidates", [
    ("Orders DB", {"rds_instance", "aurora_cluster", "dynamodb_table"}),
    ("Session cache", {"elasticache_redis", "elasticache_memcached"}),
    ("Clickstream", set()), ("Event stream", {"kinesis_stream", "firehose_stream"}),
])
def test_a_label_naming_two_types_is_not_guessed(label, candidates):
    found = match(label)
    assert found.type is None and set(found.types) == candidates and found.ambiguous == (len(candidates) > 1)


def test_external_is_a_category_of_its_own_connectable_to_and_from_every_type():
    entry = CATALOG["external"]
    assert "external" in CATEGORIES and entry.category == "external" and entry.emits == ()
    for name, other in CATALOG.items():
        assert other.link_to("external").wiring == "external", name  # external -> external too (users -> GitHub)
        assert entry.link_to(name).wiring == "external", name


def _web_app(with_externals: bool) -> Design:
    d = Design(name="shop")
    network(d)
    d.add("alb", "alb", parent="vpc")
    d.add("ecs_service", "web", parent="private_a")
    d.add("rds_instance", "db", parent="private_a")
    d.connect("alb", "web")
    d.connect("web", "db")
    if with_externals:
        d.add("external", "users", label="Users<br/>(browsers)")
        d.add("external", "stripe", label="Stripe API", properties={"url": "https://api.stripe.com"})
        d.connect("users", "alb", label="HTTPS")
        d.connect("web", "stripe", label="charges")
        d.connect("stripe", "web", label="webhooks")
        d.connect("stripe", "db")  # drawn only, even between unlikely ends
    return d


@pytest.mark.parametrize("fmt", FORMATS)
def test_external_nodes_and_their_connections_emit_nothing(fmt):
    with_externals, without = _web_app(True), _web_app(False)
    assert with_externals.problems() == []
    assert generate(with_externals, fmt) == generate(without, fmt)


def test_a_design_with_external_nodes_lints_clean():
    assert lint_errors(_web_app(True)) == []
