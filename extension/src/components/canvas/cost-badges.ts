/**
 * Each priced node's monthly estimate under its name on the canvas ("$37.35/mo", "$1,234.00/mo":
 * money.ts, as the inspector and the Versions tab write it), from the
 * server's estimate of the live design (`GET .../cost`, isshoni/cost): asked again a moment after
 * the design last changed, so a new instance size or usage assumption shows at once.  Free nodes
 * show nothing; a node that is not priced says so in the line.  The estimate is kept in the
 * context for the inspector's chart by service (inspector/cost-chart.tsx).
 */

import cytoscape from 'cytoscape';

import { designUrl, request } from '../../api';
import { DesignContext, ICostEstimate, ICostNode } from '../../context';
import { money } from '../../money';
import { IInfraChanges } from '../../yinfra';

const ASK_AFTER_MS = 500;

export class CostBadges {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _redrawLabels: () => void
  ) {
    _ctx.doc.changed.connect(this._onChanged, this);
    this._schedule();
  }

  /** The line shown under a node's name ('' for none). */
  static text(node: ICostNode | undefined): string {
    if (!node || node.status === 'free') {
      return '';
    }
    return node.status === 'priced' ? `${money(node.monthly)}/mo` : 'cost: not priced';
  }

  /** Draw the last estimate again (after the canvas rebuilt its elements). */
  redrawn(): void {
    this._apply();
  }

  dispose(): void {
    this._ctx.doc.changed.disconnect(this._onChanged, this);
    window.clearTimeout(this._timer);
  }

  private _onChanged(_: unknown, changes: IInfraChanges): void {
    if (changes.metaChanged || changes.resourcesChanged?.length) {
      this._schedule();
    }
  }

  private _schedule(): void {
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(() => void this._ask(), ASK_AFTER_MS);
  }

  private async _ask(): Promise<void> {
    const asked = ++this._asked;
    try {
      const found = await request<ICostEstimate>(designUrl(this._ctx.path, 'cost'));
      if (asked === this._asked) {
        this._nodes = found.nodes;
        this._apply();
        this._ctx.setCost(found); // the design view's chart reads the same estimate
      }
    } catch (error) {
      console.debug('isshoni: no cost estimate', error); // a half-drawn design: the badges wait for the next change
    }
  }

  private _apply(): void {
    let changed = false;
    this._cy.batch(() => {
      this._cy.nodes('.leaf').forEach(n => {
        const text = CostBadges.text(this._nodes[n.id()]);
        if ((n.data('cost') ?? '') !== text) {
          n.data('cost', text);
          changed = true;
        }
      });
    });
    if (changed) {
      this._redrawLabels();
    }
  }

  private _asked = 0;
  private _nodes: Record<string, ICostNode> = {};
  private _timer = 0;
}
