"""Hostile values for the fuzzers: what a user, a file or a model might send.

Strings aim at every language a design reaches (JSON, YAML, HCL templates,
CloudFormation intrinsics and dynamic references, SVG/HTML, shells); numbers
at what JSON cannot say (NaN, Infinity, integers past 64 bits); structures at
what CloudFormation would evaluate and HCL would read as syntax.  Some values
cannot be made as Python data (nesting deeper than `json.dumps` recurses, a
5,000-digit integer): they are placeholders `raw(...)` that `to_text` writes
as literal JSON text.
"""

from __future__ import annotations

import json
import random
import re

RAW = "@@raw:"  # a string value "@@raw:<json text>@@" is written as that text, unquoted


def raw(text: str) -> str:
    return f"{RAW}{text}@@"


def deep(depth: int, kind: str = "[") -> str:
    """JSON text nested `depth` levels deep (lists or single-key objects)."""
    if kind == "[":
        return raw("[" * depth + "1" + "]" * depth)
    return raw('{"a":' * depth + "1" + "}" * depth)


_PLACEHOLDER = re.compile(r'"@@raw:((?:[^"\\]|\\.)*)@@"')  # a whole JSON string "@@raw:...@@"


def to_text(data) -> str:
    """A design's JSON text as a hostile client would write it: NaN and Infinity as bare
    literals, lone surrogates as escapes, raw placeholders written as the text they hold."""
    text = json.dumps(data, indent=1, allow_nan=True)
    if RAW not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: json.loads(f'"{m.group(1)}"'), text)


TEXTS = (
    "${", "$${", "${var.x}", "$${var.x}", "%{", "%%{", "%{ for x in [1] }x%{ endfor }", "$", "$$", "a$${b}${",
    "{{resolve:ssm:/app/secret}}", "{{resolve:secretsmanager:db:SecretString:password}}", "{{resolve:ssm-secure:p:1}}",
    "\ud800", "a\udfffb", "\udbff\udc00", "\x00", "\x07\x1b[2J", "\x7f", "\u202e", "\u2028", "\u2029", "\u0085", "\ufeff",
    "é", "日本語ラベル", "🚀", "a\u0301", "\r\n", "\n---\n", "\t", '"', "\\", "\\u0000", "'", "`", "\\n",
    "<script>alert(1)</script>", 'x" onload="alert(1)', "<<EOF\nx\nEOF\n", "*/", "/*", "//", "#", "# x\n",
    "for", "if", "null", "true", "false", "in", "endfor", "else", "var", "local", "data", "module", "resource", "each",
    "Ref", "Fn::Sub", "Fn::ImportValue", "!Ref AWS::Region", "!GetAtt x.Arn", "&a", "*a", "? k", "- item", "k: v",
    "{a: 1}", "[1, 2]", "yes", "No", "on", "OFF", "~", "NULL", "1e3", "0x1F", "0o17", "017", "1_000", ".inf", "-.Inf",
    ".nan", "2001-12-14", "12:30:45", "1:30", "*", ";", "|", "&&", "$(id)", "`id`", "../../etc/passwd", "", " ",
    " leading", "trailing ", "#{AWS::Region}", "${AWS::Region}", "${!Literal}", "${AWS::AccountId}", "arn:aws:iam::*",
)

NUMBERS = (
    float("nan"), float("inf"), -float("inf"), 2**63, 2**64, -(2**63) - 1, 10**30, -0.0, 0, -1, 1e308, 5e-324,
    0.1, 3.000000000000001, 1.5, 2**53 + 1, raw("1e999"), raw("-1E400"), raw("1e-999"), raw("9" * 5000),
    raw("-0"), raw("1.0e+2"),
)

STRUCTURES = (
    {"Fn::Sub": "${AWS::AccountId}"}, {"Ref": "AWS::AccountId"}, {"Fn::ImportValue": "shared-vpc"},
    {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://bucket/x.yaml"}}},
    {"Fn::GetAtt": ["X", "Arn"]}, {"Ref": "X", "extra": 1}, {"Fn::If": ["c", 1, 2]},
    {"for": 1}, {"for": "x", "in": "y"}, {"null": 1}, {"if": [1]}, {"true": {"false": None}}, {"${x}": 1},
    {"%{": 1}, {"a b": 1}, {"": 1}, {"\ud800": 1}, {"1abc": 1}, {"-x": 1}, {"for x in y": "z"},
    [], {}, [[]], [None], [{}], {"a": {}}, None, True, False, "1", 1,
    deep(40), deep(200), deep(600, "{"), deep(1500), deep(5000, "{"), deep(100_000),
)

IDS = ("for", "null", "a" * 65, "1abc", "a.b", "ü", "a b", "", "-", "x" * 64, "Ref", "AWS", "resources", "__proto__",
       "constructor", "main", "aws_vpc", "a--b", "A_B-c9")


def text(rng: random.Random) -> str:
    """A hostile string: a listed one, several glued together, random code points or a long one."""
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(TEXTS)
    if roll < 0.75:
        return "".join(rng.choice(TEXTS) for _ in range(rng.randint(2, 5)))
    if roll < 0.9:
        return "".join(chr(rng.choice((rng.randint(0, 0x7F), rng.randint(0, 0xFFFF), rng.randint(0, 0x10FFFF))))
                       for _ in range(rng.randint(1, 20)))
    return rng.choice("Aé$%{\n") * rng.choice((257, 4097, 65_537, 300_000))


def number(rng: random.Random):
    return rng.choice(NUMBERS)


def value(rng: random.Random):
    """Any hostile value: a string, a number, or a structure (wrong type, intrinsic, HCL keyword keys, deep)."""
    roll = rng.random()
    if roll < 0.45:
        return text(rng)
    if roll < 0.7:
        return number(rng)
    return json.loads(json.dumps(rng.choice(STRUCTURES)))  # a fresh copy: mutations edit it in place


def key(rng: random.Random) -> str:
    return rng.choice(("for", "null", "if", "in", "Ref", "Fn::Sub", "Fn::ImportValue", "${x}", "%{x}", "", " ", "\ud800",
                       "Statement", "Resource", "Condition", "x" * 300, "a.b", "é", "type", "parent", "properties"))
