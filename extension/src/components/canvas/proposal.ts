/**
 * The assistant's pending proposal (suggest mode) drawn as a diff: proposed
 * nodes and connections dashed, resources it would remove or change marked.
 * Ghost ids never reach the document; Apply / Discard in the chat clear it.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { IResource } from '../../types';
import { ASSISTANT } from '../chat';
import { ElementFactory } from './elements';
import { PROPOSED } from './geometry';

/** How far back in the chat a pending proposal is looked for. */
export const RECENT = 1000;

export class ProposalLayer {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _elements: ElementFactory
  ) {}

  /** Draw the latest pending proposal among the chat's newest RECENT messages, unless it is
   * drawn already (or `force`): read on every chat change, so not the whole of a long chat. */
  draw(force = false): void {
    if (force) {
      this._key = '';
    }
    const chat = this._ctx.doc.chatSince(total => Math.max(0, total - RECENT)).messages;
    let pending: any = null;
    for (let i = chat.length - 1; i >= 0 && !pending; i--) {
      const m = chat[i];
      if (m && m.author === ASSISTANT && m.proposal === 'pending' && Array.isArray(m.ops)) {
        pending = m;
      }
    }
    const key = pending ? `${pending.id}:${JSON.stringify(pending.ops)}` : '';
    if (key === this._key) {
      return;
    }
    this._key = key;
    const cy = this._cy;
    cy.batch(() => {
      cy.elements()
        .filter(e => e.id().startsWith(PROPOSED))
        .remove();
      cy.elements('.proposed-remove, .proposed-change').removeClass('proposed-remove proposed-change');
      if (!pending) {
        return;
      }
      const shown = (id: string): string | null =>
        cy.getElementById(id).nonempty() ? id : cy.getElementById(PROPOSED + id).nonempty() ? PROPOSED + id : null;
      for (const op of pending.ops) {
        if (op.op === 'add' && typeof op.id === 'string') {
          const r: IResource = {
            type: op.type,
            label: op.label || op.id,
            properties: op.properties ?? {},
            parent: op.parent ?? null,
            position: op.position ?? { x: 0, y: 0 },
            notes: ''
          };
          const data = this._elements.nodeData(PROPOSED + op.id, r);
          const parent = op.parent ? shown(op.parent) : null;
          if (parent) {
            data.parent = parent;
          }
          cy.add({
            group: 'nodes',
            data,
            position: { x: r.position.x ?? 0, y: r.position.y ?? 0 },
            classes: [...this._elements.nodeClasses(r, op.id), 'proposed']
          });
        } else if (op.op === 'connect') {
          const source = shown(op.source);
          const target = shown(op.target);
          if (source && target) {
            cy.add({
              group: 'edges',
              data: { id: `${PROPOSED}${op.id ?? `${source}-${target}`}`, source, target, label: '' },
              classes: 'proposed'
            });
          }
        } else if (typeof op.id === 'string') {
          cy.getElementById(op.id).addClass(op.op === 'remove' ? 'proposed-remove' : 'proposed-change');
        }
      }
    });
  }

  /** Ops of the proposal drawn last ('' when none). */
  private _key = '';
}
