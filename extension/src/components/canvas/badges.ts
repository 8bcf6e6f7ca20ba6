/**
 * Findings on the canvas: the checks' errors and warnings indexed by the
 * resource or connection they concern, drawn as a badge and a class on its
 * element, and told in its tooltip.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { IFinding } from '../../types';
import { isGhost } from './geometry';
import { BADGES } from './style';

export type Severity = 'error' | 'warning';

export interface IFindingMark {
  severity: Severity;
  messages: string[];
}

export class FindingBadges {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core
  ) {
    _ctx.findingsChanged.connect(this.update, this);
  }

  /** The worst severity and every message for an element id, if it has findings. */
  get(id: string): IFindingMark | undefined {
    return this._index.get(id);
  }

  /** Re-index the context's findings and re-mark the elements whose findings changed. */
  update(): void {
    const index = new Map<string, IFindingMark>();
    for (const f of this._ctx.findings as IFinding[]) {
      if (!f.resource) {
        continue;
      }
      const sev = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : null;
      if (!sev) {
        continue;
      }
      const known = index.get(f.resource);
      const text = `${sev === 'error' ? 'Error' : 'Warning'}: ${f.message}${f.tool ? ` (${f.tool}${f.rule ? ` ${f.rule}` : ''})` : ''}`;
      if (known) {
        known.messages.push(text);
        if (sev === 'error') {
          known.severity = 'error';
        }
      } else {
        index.set(f.resource, { severity: sev, messages: [text] });
      }
    }
    const before = this._index;
    this._index = index;
    const touched = new Set([...before.keys(), ...index.keys()]);
    this._cy.batch(() => {
      for (const id of touched) {
        const ele = this._cy.getElementById(id);
        if (ele.empty()) {
          continue;
        }
        const sev = index.get(id)?.severity;
        ele.toggleClass('finding-error', sev === 'error');
        ele.toggleClass('finding-warning', sev === 'warning');
        if (ele.isNode()) {
          const icon = ele.data('icon');
          ele.data('images', sev ? `${icon} ${BADGES[sev]}` : icon);
        }
      }
    });
  }

  /** Show an element's tooltip on `host` while the mouse is over it. */
  tooltipsOn(host: HTMLElement): void {
    this._cy.on('mouseover', 'node, edge', event => {
      const ele = event.target as cytoscape.SingularElementArgument;
      if (!isGhost(ele.id())) {
        host.title = this.tooltip(ele);
      }
    });
    this._cy.on('mouseout', 'node, edge', () => {
      host.title = '';
    });
  }

  /** What the tooltip of an element says. */
  tooltip(ele: cytoscape.SingularElementArgument): string {
    const id = ele.id();
    const f = this._index.get(id);
    let head: string;
    if (ele.isNode()) {
      const entry = this._ctx.catalog.get(ele.data('type'));
      head = `${ele.data('label')} (${entry?.label ?? ele.data('type')}, id ${id})`;
    } else {
      head = `${ele.data('source')} → ${ele.data('target')} (id ${id})`;
    }
    return f ? `${head}\n${f.messages.join('\n')}` : head;
  }

  dispose(): void {
    this._ctx.findingsChanged.disconnect(this.update, this);
  }

  private _index = new Map<string, IFindingMark>();
}
