/**
 * Deploy progress on the canvas: each node of the newest deploy or destroy
 * gets a class (`deploy-pending`, `deploy-creating`, `deploy-done`,
 * `deploy-failed`, ...) that the canvas stylesheet draws as an outline.  It
 * reads the job's record in the shared document, so every collaborator sees
 * the same progress, whoever started the job.  A layer: it depends on the
 * canvas, never the reverse.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { IInfraChanges } from '../../yinfra';
import { ICanvasLayer } from '../canvas/layers';
import { jobList, NodeStatus, progressJob } from './records';

const SHOWN: NodeStatus[] = ['pending', 'creating', 'done', 'failed', 'deleting', 'skipped'];
const CLASSES = SHOWN.map(s => `deploy-${s}`).join(' ');

export class DeployOverlay implements ICanvasLayer {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core
  ) {
    _ctx.doc.changed.connect(this._onChange, this);
    this.redrawn();
  }

  /** The status drawn on a node now (tests and tooltips). */
  status(id: string): NodeStatus | undefined {
    return this._drawn.get(id);
  }

  redrawn(): void {
    const job = progressJob(jobList(this._ctx.doc.deployments));
    const nodes = job?.nodes ?? {};
    const next = new Map<string, NodeStatus>();
    for (const [id, status] of Object.entries(nodes)) {
      if (SHOWN.includes(status)) {
        next.set(id, status);
      }
    }
    this._cy.batch(() => {
      for (const id of new Set([...this._drawn.keys(), ...next.keys()])) {
        const ele = this._cy.getElementById(id);
        if (ele.empty() || !ele.isNode()) {
          continue;
        }
        ele.removeClass(CLASSES);
        const status = next.get(id);
        if (status) {
          ele.addClass(`deploy-${status}`);
        }
      }
    });
    this._drawn = next;
  }

  dispose(): void {
    this._ctx.doc.changed.disconnect(this._onChange, this);
  }

  private _onChange(_: unknown, changes: IInfraChanges): void {
    if (changes.deploymentsChanged) {
      this.redrawn();
    }
  }

  private _drawn = new Map<string, NodeStatus>();
}
