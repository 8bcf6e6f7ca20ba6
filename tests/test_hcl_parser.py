"""The HCL parser behind Terraform safety and checks: HashiCorp's own (pygohcl) in a child process
with a deadline.  Everything the HCL writer emits parses back to the same value, and nothing can
hang or kill the caller (issue 14, defect 2)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from isshoni import Design, generate
from isshoni.checks import deadline, hcl_parser
from isshoni.compiler.hcl import BlockNode, Call, Raw, document, template_string
from isshoni.deploy import tfsafety

LIVENESS = 90  # seconds: generous on a loaded 2-core machine; each call takes well under one

# Every class of string the writer escapes, mixed with arbitrary text (lone surrogates are refused
# upstream, before any design reaches the writer).
PIECES = ["${", "%{", "$${", "%%{", "$", "%", "{", "}", "\\", '"', "\\u0041", "\n", "\r", "\t", "\x00", "\x1b",
          "\x7f", "\u2028", "\u2029", "\ufeff", "é", "한국어", "🚀", " ", "~", "}}", "EOT", "<<", "#", "//", "/*", "*/"]
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text("ab x_", max_size=4)), max_size=14).map("".join),
)
# Object keys the writer emits bare that HCL reads as keywords (`for` is issue 14 defect 8, fixed in the
# writer by another branch; `null` makes pygohcl's converter panic, reported with it).
KEY = TEXT.filter(lambda k: k not in ("for", "null"))


def checked_in_a_child(files: dict[str, str]) -> dict:
    """Terraform safety and the checks' HCL parse of `files`, run in a child process: a hang there
    fails the test at the deadline (a regex stuck in C holds the GIL, so no thread could time it out)."""
    probe = (
        "import json, sys\n"
        "from isshoni.deploy import tfsafety\n"
        "from isshoni.checks import terraform_check\n"
        "files = json.load(sys.stdin)\n"
        "print(json.dumps({'safety': [str(r) for r in tfsafety.check_files(files)],\n"
        "                  'parse': [f.message for f in terraform_check.parse(files)],\n"
        "                  'hcl2 imported': 'hcl2' in sys.modules}))\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", probe], input=json.dumps(files), capture_output=True, text=True,
                              timeout=LIVENESS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Terraform safety and checks did not answer within {LIVENESS} s")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(labels=("a", "b"), values=["$"], keys=["k"])  # found: `"$${var.x}"` read the reference as text
@example(labels=("a", "b"), values=["a$$", "$${"], keys=["k"])
@given(labels=st.tuples(TEXT, TEXT), values=st.lists(TEXT, min_size=1, max_size=5),
       keys=st.lists(KEY, min_size=1, max_size=4, unique=True))
def test_everything_the_writer_emits_parses_back_to_the_same_value(labels, values, keys):
    tags = dict(zip(keys, values * len(keys), strict=False))
    body = [
        ("one", values[0]),
        ("many", values),
        ("tags", tags),
        ("nested", {"inner": tags, "list": [tags, values[-1]]}),
        ("template", template_string([values[0], Raw("var.x"), values[-1]])),
        ("call", Call("jsonencode", {"k": values[0]})),
        BlockNode("inner", (values[-1],), [("value", values[-1])]),
    ]
    text = document([BlockNode("resource", labels, body)])
    parsed = hcl_parser.loads(text)
    got = parsed["resource"][labels[0]][labels[1]]
    assert got["one"] == values[0]
    assert got["many"] == values
    assert got["tags"] == tags
    assert got["nested"] == {"inner": tags, "list": [tags, values[-1]]}
    assert got["template"] == values[0] + "var.x" + values[-1]  # the parser shows a reference as its text
    assert got["call"].startswith("jsonencode(")
    assert got["inner"][values[-1]] == {"value": values[-1]}


def test_heredocs_escapes_and_templates_parse():
    text = (
        'locals {\n'
        '  heredoc = <<-EOT\n    a $${b} %%{c} ${var.x} é 🚀\n    EOT\n'
        '  escapes = "q\\" b\\\\ \\n \\t \\u00e9 \\U0001F680 $${x} %%{y} $$ %%"\n'
        '  directive = "%{ for v in var.l }${v}%{ endfor }"\n'
        '}\n'
    )
    body = hcl_parser.loads(text)["locals"]
    assert body["heredoc"] == "a ${b} %{c} var.x é 🚀\n"
    assert body["escapes"] == 'q" b\\ \n \t é 🚀 ${x} %{y} $$ %%'
    assert "for v in var.l" in body["directive"]


def design_with_label(label: str) -> Design:
    d = Design(name="labels", region="us-east-1")
    d.add("s3_bucket", "b", label=label)
    return d


@pytest.mark.parametrize("label", ["x" * 40 + " ${oops", "${", "Cost ${env} report", "a%{if x}", "x" * 60 + "%{"])
def test_a_label_with_a_template_sequence_is_checked_not_hung(label):
    """Defect 2: bc-python-hcl2 backtracked for ever on `"...(xxxx $${oops)"` (the writer's correct
    escape of the label in an output's description); safety and checks must answer, and accept it."""
    files = generate(design_with_label(label), "terraform")
    assert any("$${" in text or "%%{" in text for text in files.values())
    assert checked_in_a_child(files) == {"safety": [], "parse": [], "hcl2 imported": False}
    outputs = hcl_parser.loads(files["outputs.tf"])["output"]
    assert any(label in value["description"] for value in outputs.values())


def test_a_parser_that_dies_or_passes_its_deadline_is_reported_never_parsed():
    deep = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"  # Go aborts its whole process on this
    results = hcl_parser.parse_texts({"deep.tf": deep, "fine.tf": "x = 1\n", "nul.tf": "x = 1\x00"})
    assert isinstance(results["deep.tf"], hcl_parser.CouldNotParse) and "stopped" in results["deep.tf"].reason
    assert results["fine.tf"] == {"x": 1}
    assert isinstance(results["nul.tf"], hcl_parser.CouldNotParse)
    slow = hcl_parser.parse_texts({"main.tf": "x = 1\n"}, timeout=0.001)["main.tf"]
    assert isinstance(slow, hcl_parser.CouldNotParse) and "did not finish" in slow.reason
    refusals = tfsafety.check_files({"deep.tf": deep, "main.tf": 'resource "aws_vpc" "v" {\n}\n'})
    assert [(r.file, r.construct) for r in refusals] == [("deep.tf", "unparsable file")]
    assert tfsafety.check_files({"main.tf": "x = 1\n"}, timeout=0.001)[0].construct == "unparsable file"


def test_checkovs_hcl2_module_is_never_the_safety_parser():
    """bc-python-hcl2 (checkov's) and python-hcl2 share the module name `hcl2`: neither is used."""
    files = {"main.tf": 'resource "aws_vpc" "v" {\n  tags = { Name = "a $${b" }\n}\n'}
    assert checked_in_a_child(files) == {"safety": [], "parse": [], "hcl2 imported": False}


def test_a_tool_and_its_children_are_killed_at_the_deadline():
    """subprocess.run(timeout=...) would wait for the grandchild holding the pipe (30 s)."""
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        deadline.run(["sh", "-c", "sleep 30 & sleep 30"], timeout=1)
    assert time.monotonic() - started < 20
