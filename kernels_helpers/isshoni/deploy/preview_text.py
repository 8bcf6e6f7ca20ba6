"""Plans and change sets as text a person reviews: a unified diff of the deployed template
against the one a deploy would send."""

from __future__ import annotations

import difflib
import json


def _lines(template: str | dict | None) -> list[str]:
    """A template as stable, indented JSON lines (boto3 hands back a JSON text or a dict)."""
    if template is None:
        return []
    if isinstance(template, str):
        try:
            template = json.loads(template)
        except ValueError:  # a YAML template (someone else's stack): compared line by line as it is
            return template.splitlines()
    return json.dumps(template, indent=2, sort_keys=True, default=str).splitlines()


def template_diff(deployed: str | dict | None, planned: str, name: str) -> str:
    """`diff -u` of the deployed template (nothing when there is no stack yet) and the planned one."""
    before, after = _lines(deployed), _lines(planned)
    label = f"{name} (deployed)" if deployed is not None else "(no stack yet)"
    return "\n".join(difflib.unified_diff(before, after, label, f"{name} (this design)", n=3, lineterm=""))
