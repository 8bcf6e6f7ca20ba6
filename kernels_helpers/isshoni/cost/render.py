"""An estimate as text (the command line, `str()`), Markdown (a notebook) and HTML (the
dashboard's Cost tab): the total, what it does not count, the breakdown by service and each
node's lines with their arithmetic.  Every id and label is escaped for the form it goes into."""

from __future__ import annotations

import html

from .estimates import Estimate


def _money(value: float, currency: str) -> str:
    return f"${value:,.2f}" if currency == "USD" else f"{value:,.2f} {currency}"


def _unit_price(value: float, currency: str) -> str:
    """A unit price in full (a GB-second of Lambda is $0.0000166667)."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def _quantity(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:,.4g}"


def headline(est: Estimate) -> str:
    c = est.counts()
    unpriced = f"; {c['not priced']} node(s) not priced (not counted)" if c["not priced"] else ""
    return (f"{_money(est.total, est.currency)}/month in {est.region}: {c['priced']} node(s) priced, {c['free']} free"
            f"{unpriced}. Estimate from list prices ({est.as_of}), no free tier.")


def text(est: Estimate) -> str:
    out = [headline(est), ""]
    for rid, node in est.nodes.items():
        if node.status == "priced":
            out.append(f"{rid} ({node.type}): {_money(node.monthly, est.currency)}")
            for line in node.lines:
                out.append(f"    {line.what}: {_quantity(line.quantity)} x {_unit_price(line.unit_price, est.currency)}"
                           f" {line.unit} = {_money(line.monthly, est.currency)}")
        elif node.status == "not priced":
            out.append(f"{rid} ({node.type}): not priced: {node.why}")
    free = [rid for rid, n in est.nodes.items() if n.status == "free"]
    if free:
        out.append(f"free: {', '.join(free)}")
    return "\n".join(out)


def markdown(est: Estimate) -> str:
    def cell(value) -> str:
        return html.escape(str(value)).replace("|", "&#124;").replace("\n", " ")

    rows = ["| node | type | per month | how |", "|---|---|---:|---|"]
    for rid, node in est.nodes.items():
        how = "free" if node.status == "free" else node.why if node.status == "not priced" else "; ".join(
            f"{ln.what} {_quantity(ln.quantity)} x {ln.unit_price:g} {ln.unit}" for ln in node.lines)
        money = _money(node.monthly, est.currency) if node.status == "priced" else "-"
        rows.append(f"| {cell(rid)} | {cell(node.type)} | {money} | {cell(how)} |")
    return f"**{cell(headline(est))}**\n\n" + "\n".join(rows) + "\n"


def html_table(est: Estimate) -> str:
    e = html.escape
    by = est.by_service()
    largest = max(by.values(), default=0.0)

    def bar(value: float) -> str:  # the chart: a bar per service, scaled to the largest (the figure beside it says it)
        width = max(2.0, 100 * value / largest) if largest > 0 else 0.0
        return (f"<td style='width:50%'><div class='isshoni-cost-bar' style='width:{width:.1f}%;height:10px;"
                f"background:#1976d2;border-radius:2px'></div></td>")

    services = "".join(f"<tr><td>{e(name)}</td>{bar(value)}<td style='text-align:right'>{_money(value, est.currency)}</td></tr>"
                       for name, value in by.items())
    nodes = "".join(
        f"<tr><td>{e(rid)}</td><td>{e(node.type)}</td><td style='text-align:right'>"
        f"{_money(node.monthly, est.currency) if node.status == 'priced' else e(node.status)}</td>"
        f"<td>{e(node.why) if node.why else ''}</td></tr>" for rid, node in est.nodes.items())
    return (f"<p><b>{e(headline(est))}</b></p><p>Source: {e(est.source)}</p>"
            f"<table style='width:100%'><tr><th>service</th><th></th><th>per month</th></tr>{services}</table>"
            f"<table><tr><th>node</th><th>type</th><th>per month</th><th></th></tr>{nodes}</table>")
