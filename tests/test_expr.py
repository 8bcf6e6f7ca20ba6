"""The neutral expressions' two helpers every part goes through: join folds literals, prune drops OMIT."""

from collections import OrderedDict

from isshoni.compiler import expr as e

OMIT = e.OMIT


def test_join_folds_literals_and_numbers_and_keeps_expressions():
    region = e.Pseudo("region")
    assert e.join("a", "", 1, "-", 2.5) == "a1-2.5"
    assert e.join() == ""
    joined = e.join("arn:", region, ":", e.join("x", e.Ref("web")), "")
    assert joined == e.Join(("arn:", region, ":x", e.Ref("web")))
    assert e.join(e.Join(("a", region)), "b", "c") == e.Join(("a", region, "bc"))
    assert e.join(True, "x") == e.Join((True, "x"))  # a bool is not a number to spell


def test_prune_drops_omitted_values_at_every_depth():
    value = {
        "gone": OMIT,
        "list": [1, OMIT, {"gone": OMIT, "kept": 2}, OMIT],
        "block": e.Block({"gone": OMIT, "kept": 1}),
        "ordered": OrderedDict(gone=OMIT, kept=1),
        "encoded": e.JsonEncode({"gone": OMIT}),
        "empty": {},
    }
    pruned = e.prune(value)
    assert pruned == {
        "list": [1, {"kept": 2}],
        "block": e.Block({"kept": 1}),
        "ordered": {"kept": 1},
        "encoded": e.JsonEncode({}),
        "empty": {},
    }
    assert type(pruned["ordered"]) is dict  # a mapping subclass becomes a plain dict


def test_prune_leaves_a_value_without_omit_as_it_is():
    inner = {"Key": "Name", "Value": e.Ref("web")}
    value = {"Tags": [inner], "Name": e.join(e.NAME_PREFIX, "-web")}
    assert e.prune(value) is value
    assert value["Tags"][0] is inner
