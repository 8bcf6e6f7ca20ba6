"""A drift report as people read it: text (the command line), HTML (a notebook) and, in a
kernel, `report.adopt(node)` writing what runs into the design.  Every id and value is
escaped for the form it goes into; the counts add up to the design's nodes."""

from __future__ import annotations

import html

from .verify import _short

ORDER = ("drifted", "deleted", "not deployed", "not checked", "in sync")


def _value(value) -> str:
    return _short(value, 160)


def headline(report: dict) -> str:
    c = report["counts"]
    shown = ", ".join(f"{c[k]} {k}" for k in ORDER if c.get(k))
    stray = report.get("unmanaged") or {}
    unmanaged = (f"{len(stray.get('resources', []))} unmanaged" if stray.get("checked")
                 else "unmanaged not checked" + (f" ({stray['why']})" if stray.get("why") else ""))
    known = report.get("known_at_deploy", 0)
    tf = report.get("terraform_refresh")
    refresh = "; terraform plan -refresh-only consulted" if tf else ""
    return (f"{report['design']} in {report['target']} ({report['engine']}, {report['region']}), checked in "
            f"{report['seconds']:.1f} s: {shown or 'no nodes'}; {unmanaged}"
            + (f"; {known} difference(s) already there at the deploy (the target's limits, not drift)" if known else "")
            + refresh + ".")


def _what(d: dict) -> str:
    if "property" in d:
        return f"adopt: {d['property']} = {_value(d['value'])}"
    return d.get("why", "")


def text(report: dict) -> str:
    out = [headline(report)]
    for note in report.get("notes", []):
        out.append(f"note: {note}")
    for status in ORDER[:3]:
        for rid, node in report["nodes"].items():
            if node["status"] != status:
                continue
            out.append(f"{rid} ({node['type']}): {status}" + (" outside Isshoni" if status == "deleted" else ""))
            for d in node.get("differences", []):
                part = f"{d['part']} " if d.get("part") != rid else ""
                out.append(f"    {part}{d['setting']}: design {_value(d['design'])} | live {_value(d['live'])}"
                           + (f"  [{_what(d)}]" if _what(d) else ""))
            if status == "deleted":
                out.append("    [adopt: remove it from the design; or re-apply to make it again]")
            for note in node.get("notes", []):
                if "changed here since the last deploy" in note:
                    out.append(f"    note: {note}")
    unchecked = [rid for rid, n in report["nodes"].items() if n["status"] == "not checked"]
    if unchecked:
        out.append(f"not checked ({len(unchecked)}): {', '.join(unchecked)}")
    for item in (report.get("unmanaged") or {}).get("resources", []):
        out.append(f"unmanaged (tagged as this design's, not in it): {item['arn']}")
    return "\n".join(out)


def html_table(report: dict) -> str:
    e = html.escape
    rows = []
    for status in ORDER:
        for rid, node in report["nodes"].items():
            if node["status"] != status:
                continue
            detail = "<br>".join(
                f"{e(d['setting'])}: design <code>{e(_value(d['design']))}</code>, live <code>{e(_value(d['live']))}</code>"
                + (f" <i>({e(_what(d))})</i>" if _what(d) else "") for d in node.get("differences", []))
            rows.append(f"<tr><td>{e(rid)}</td><td>{e(str(node['type']))}</td><td>{e(status)}</td>"
                        f"<td style='text-align:left'>{detail}</td></tr>")
    stray = "".join(f"<li><code>{e(x['arn'])}</code></li>" for x in (report.get("unmanaged") or {}).get("resources", []))
    return (f"<p>{e(headline(report))}</p><table class='isshoni-drift'><thead><tr><th>node</th><th>type</th><th>status</th>"
            f"<th>differences</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            + (f"<p>Unmanaged (tagged as this design's, not in it):</p><ul>{stray}</ul>" if stray else ""))


class DriftReport(dict):
    """The drift report (a dict, JSON as the REST API gives it) with its displays; `adopt(node)`
    when it came from a design handle (a kernel)."""

    def __init__(self, data: dict, handle=None):
        super().__init__(data)
        self._handle = handle

    @property
    def in_sync(self) -> bool:
        c = self["counts"]
        return not (c.get("drifted") or c.get("deleted") or (self.get("unmanaged") or {}).get("resources"))

    def drifted(self) -> list[str]:
        return [rid for rid, n in self["nodes"].items() if n["status"] in ("drifted", "deleted")]

    def adopt(self, node: str) -> list[str]:
        """Write what runs into the design for `node` (one edit): a live value the design can hold,
        or the node's removal when it was deleted outside."""
        if self._handle is None:
            raise RuntimeError("this report is not tied to a design: use isshoni.deploy.drift.adopt(design, report, node)")
        from .drift import adopt

        said: list[str] = []
        self._handle._edit(lambda design: said.extend(adopt(design, self, node)))
        return said

    def __str__(self) -> str:
        return text(self)

    def _repr_html_(self) -> str:
        return html_table(self)
