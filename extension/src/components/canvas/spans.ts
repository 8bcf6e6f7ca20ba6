/**
 * Resources that spread over several subnets (a load balancer, a service, a
 * database: the catalog's `spans_subnets`) are drawn in one subnet, so the
 * canvas says the rest: their name carries "spans N subnets", and while one
 * is selected the other subnets it spans are outlined.  Read from the drawn
 * graph (parents, types, the subnet's tier), refreshed after every redraw.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';

const SPANNED = 'spanned';

export class SubnetSpans {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core
  ) {
    _ctx.selectionChanged.connect(this._outline, this);
  }

  dispose(): void {
    this._ctx.selectionChanged.disconnect(this._outline, this);
  }

  /** The other subnets `node` spreads over (its subnet's siblings of the same tier in its VPC). */
  spanned(node: cytoscape.NodeSingular): cytoscape.NodeSingular[] {
    if (!this._ctx.catalog.get(node.data('type'))?.spans_subnets) {
      return [];
    }
    const parents = node.parent();
    if (parents.empty() || parents.data('type') !== 'subnet') {
      return [];
    }
    const subnet = parents[0] as cytoscape.NodeSingular;
    const tier = this._tier(subnet.id());
    return subnet
      .parent()
      .children()
      .filter(s => s.id() !== subnet.id() && s.data('type') === 'subnet' && this._tier(s.id()) === tier)
      .toArray() as cytoscape.NodeSingular[];
  }

  /** After a redraw or a change of detail: names of spanning nodes say how many subnets they
   * cover, and with `detailed` (zoomed in) every node's settings follow its name. */
  refresh(detailed = this._detailed): void {
    this._detailed = detailed;
    this._tiers = new Map(); // read once per refresh: a subnet's tier is asked by each node in it
    this._cy.batch(() => {
      this._cy.nodes('.leaf').forEach(n => {
        const others = this.spanned(n as cytoscape.NodeSingular).length;
        const label = n.data('label') as string;
        const spans = others ? `${label}\n(spans ${others + 1} subnets)` : label;
        const cost = n.data('cost') as string | undefined; // cost-badges.ts
        const named = cost ? `${spans}\n${cost}` : spans;
        const facts = n.data('facts') as string;
        const shown = detailed && facts ? `${named}\n${facts}` : named;
        if (n.data('display') !== shown) {
          n.data('display', shown);
        }
      });
    });
    this._outline();
  }

  private _detailed = false;

  private _tier(subnet: string): string {
    let tier = this._tiers.get(subnet);
    if (tier === undefined) {
      tier = (this._ctx.doc.resource(subnet)?.properties?.tier as string | undefined) ?? 'private';
      this._tiers.set(subnet, tier);
    }
    return tier;
  }

  private _tiers = new Map<string, string>();

  private _outline(): void {
    const want = new Set<string>();
    for (const id of this._ctx.selection) {
      const ele = this._cy.getElementById(id);
      if (ele.nonempty() && ele.isNode()) {
        this.spanned(ele as cytoscape.NodeSingular).forEach(s => want.add(s.id()));
      }
    }
    this._cy.batch(() => {
      this._cy.nodes(`.${SPANNED}`).forEach(n => {
        if (!want.has(n.id())) {
          n.removeClass(SPANNED);
        }
      });
      want.forEach(id => this._cy.getElementById(id).addClass(SPANNED));
    });
  }
}
