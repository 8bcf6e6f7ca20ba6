"""Write the table of which resource types each AWS checkov check inspects.

The compiler places a suppression (`#checkov:skip=` in Terraform, `Metadata:
checkov: skip:` in CloudFormation) only on the parts of a design resource that a
check actually looks at; this table says which those are, per output language.
It is read from checkov's own registries (resource checks and graph checks), so
run `python scripts/make_checkov_types.py` after upgrading checkov; a test
compares it with the installed checkov.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ANY = 100  # a check over more types than this (tag policies) is written as applying to every type: "*"
OUT = Path(__file__).resolve().parents[1] / "kernels_helpers" / "isshoni" / "compiler" / "checkov_types.json"


def table() -> dict[str, dict[str, list[str]]]:
    """check id -> {"cfn": [CloudFormation types], "tf": [Terraform types]} for AWS checks."""
    from checkov.cloudformation.checks.resource.registry import cfn_registry
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.resource.registry import resource_registry

    found: dict[str, dict[str, set[str]]] = {}

    def add(check_id: str, side: str, types) -> None:
        if check_id.startswith(("CKV_AWS_", "CKV2_AWS_")):
            found.setdefault(check_id, {}).setdefault(side, set()).update(t for t in types if isinstance(t, str))

    for side, registry in (("cfn", cfn_registry), ("tf", resource_registry)):
        for rtype, checks in registry.checks.items():
            for check in checks:
                add(check.id, side, [rtype])
    for side, framework in (("cfn", "cloudformation"), ("tf", "terraform")):
        graph = get_graph_checks_registry(framework)
        graph.load_checks()
        for check in graph.checks:
            add(check.id, side, check.resource_types)
    return {
        cid: {side: sorted(types) if len(types) <= ANY else ["*"] for side, types in sorted(sides.items())}
        for cid, sides in sorted(found.items(), key=lambda kv: _order(kv[0]))
    }


def _order(check_id: str) -> tuple:
    prefix, _, number = check_id.rpartition("_")
    return (prefix, int(number) if number.isdigit() else 0)


def main() -> int:
    import checkov.version

    checks = table()
    lines = [f'"{cid}":{json.dumps(types, separators=(",", ":"))}' for cid, types in checks.items()]
    text = '{"checkov":' + json.dumps(checkov.version.version) + ',"checks":{\n' + ",\n".join(lines) + "\n}}\n"
    OUT.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print(f"{OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}: {len(data['checks'])} checks (checkov {data['checkov']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
