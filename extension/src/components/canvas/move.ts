/**
 * Moving nodes by dragging them: onto a container to put them inside it, out
 * of one to take them out, as the catalog allows (the container a drop would
 * go into is marked while dragging).  A drop the catalog refuses snaps back
 * with a message, and so does a container dropped across another container's
 * box (it would look nested in it); an allowed one is written as one
 * undoable step.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { IPosition } from '../../types';
import { isGhost, parentIdOf } from './geometry';
import { Placement } from './placement';
import { Toaster } from './toast';

interface IGesture {
  /** Every container's box when the drag started (containers stretch while a child moves). */
  boxes: Map<string, cytoscape.BoundingBox12>;
  freed: Set<string>;
  timer: number | null;
}

export interface IMoveOptions {
  toast: Toaster;
  /** A drag started moving: hide the connect handle. */
  moving: () => void;
  /** A move was written: place the connect handle again. */
  moved: () => void;
}

export class MoveGesture {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _placement: Placement,
    private _options: IMoveOptions
  ) {
    const cy = _cy;
    cy.on('grab', 'node', () => {
      if (!this._gesture) {
        const boxes = new Map<string, cytoscape.BoundingBox12>();
        cy.nodes('.container').forEach(n => {
          boxes.set(n.id(), n.boundingBox({ includeLabels: false, includeOverlays: false }));
        });
        this._gesture = { boxes, freed: new Set(), timer: null };
      }
    });
    cy.on('drag', 'node', event => {
      _options.moving();
      if (this._frame === null) {
        const node = event.target as cytoscape.NodeSingular;
        this._frame = requestAnimationFrame(() => {
          this._frame = null;
          this._highlightTarget(node);
        });
      }
    });
    cy.on('dragfree', 'node', event => {
      const g = this._gesture;
      if (!g) {
        return;
      }
      g.freed.add(event.target.id());
      if (g.timer === null) {
        g.timer = window.setTimeout(() => this._finish(), 0);
      }
    });
    cy.on('free', 'node', () => {
      // a click without a drag: forget the gesture
      window.setTimeout(() => {
        if (this._gesture && !this._gesture.freed.size) {
          this._gesture = null;
        }
      }, 0);
    });
  }

  private _highlightTarget(node: cytoscape.NodeSingular): void {
    const g = this._gesture;
    if (!g || node.removed()) {
      return;
    }
    const grabbed = this._cy.nodes(':grabbed');
    const roots = grabbed.filter(n => !n.ancestors().some(a => (a as cytoscape.NodeSingular).grabbed()));
    if (roots.length !== 1) {
      return;
    }
    const root = roots[0] as cytoscape.NodeSingular;
    const entry = this._ctx.catalog.get(root.data('type'));
    if (!entry) {
      return;
    }
    const exclude = new Set<string>([root.id(), ...root.descendants().map(d => d.id())]);
    const p = this._placement.placement(entry, root.position(), exclude, g.boxes);
    const current = parentIdOf(root);
    const crossed = p.refuse ? null : this._crossed(root, p.parent, exclude, g.boxes);
    if (crossed) {
      this._placement.markDropTargets(null, crossed);
    } else if (p.refuse) {
      this._placement.markDropTargets(null, this._placement.containersAt(root.position(), exclude, g.boxes)[0] ?? null);
    } else if (p.parent && p.parent !== current) {
      this._placement.markDropTargets(this._cy.getElementById(p.parent) as any, null);
    } else {
      this._placement.markDropTargets(null, null);
    }
  }

  private _finish(): void {
    const g = this._gesture;
    this._gesture = null;
    this._placement.markDropTargets(null, null);
    if (!g) {
      return;
    }
    const cy = this._cy;
    const { toast } = this._options;
    let dragged = cy.collection();
    for (const id of g.freed) {
      dragged = dragged.union(cy.getElementById(id));
    }
    dragged = dragged.filter(n => !isGhost(n.id()));
    if (dragged.empty()) {
      return;
    }
    const roots = dragged.filter(n => !(n as cytoscape.NodeSingular).ancestors().some(a => dragged.has(a))) as cytoscape.NodeCollection;
    const moved = roots.union(roots.descendants()) as cytoscape.NodeCollection;
    const exclude = new Set(moved.map(n => n.id()));

    const reparent: { id: string; parent: string | null }[] = [];
    const notes: string[] = [];
    for (const root of roots.toArray() as cytoscape.NodeSingular[]) {
      const entry = this._ctx.catalog.get(root.data('type'));
      const current = parentIdOf(root);
      if (!entry) {
        continue;
      }
      const p = this._placement.placement(entry, root.position(), exclude, g.boxes);
      if (p.refuse) {
        this._snapBack(moved);
        toast(p.refuse, 'error');
        return;
      }
      const crossed = this._crossed(root, p.parent, exclude, g.boxes);
      if (crossed) {
        this._snapBack(moved);
        toast(`'${root.data('label')}' would cross '${crossed.data('label')}' and look inside it: drop it on free space`, 'error');
        return;
      }
      if (p.parent !== current) {
        reparent.push({ id: root.id(), parent: p.parent });
        if (p.parent === null && current) {
          notes.push(`Moved '${root.data('label')}' out of '${cy.getElementById(current).data('label')}'`);
        }
      } else if (p.note && current === null) {
        notes.push(p.note);
      }
    }

    const positions: Record<string, IPosition> = {};
    moved.forEach(n => {
      positions[n.id()] = { ...n.position() };
    });
    // a container its last children leave keeps its place
    const leaving = new Set(reparent.map(r => r.id));
    for (const r of reparent) {
      const oldId = parentIdOf(cy.getElementById(r.id) as cytoscape.NodeSingular);
      const old = oldId ? cy.getElementById(oldId) : null;
      if (old && oldId && old.children().every(c => leaving.has((c as cytoscape.NodeSingular).id()))) {
        const box = g.boxes.get(oldId);
        if (box) {
          positions[oldId] = { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 };
        }
      }
    }
    try {
      this._ctx.doc.transact(() => {
        for (const r of reparent) {
          this._ctx.doc.moveInto(r.id, r.parent);
        }
        this._ctx.doc.moveMany(positions);
      });
    } catch (error) {
      this._snapBack(moved);
      toast(`Cannot move: ${(error as Error).message}`, 'error');
      return;
    }
    if (notes.length) {
      toast(notes.join('; '));
    }
    this._options.moved();
  }

  /** The container a moved container's box would cross (none for a resource that is not a container). */
  private _crossed(
    root: cytoscape.NodeSingular,
    parent: string | null,
    moving: Set<string>,
    boxes: Map<string, cytoscape.BoundingBox12>
  ): cytoscape.NodeSingular | null {
    if (!root.hasClass('container')) {
      return null;
    }
    const box = root.boundingBox({ includeLabels: false, includeOverlays: false });
    return this._placement.crossed(box, parent, moving, boxes);
  }

  /** Put nodes back where the design says they are. */
  private _snapBack(nodes: cytoscape.NodeCollection): void {
    this._cy.batch(() => {
      nodes.forEach(n => {
        const r = this._ctx.doc.resource(n.id());
        if (r && !n.isParent()) {
          n.position({ x: r.position.x, y: r.position.y });
        }
      });
    });
  }

  private _gesture: IGesture | null = null;
  private _frame: number | null = null;
}
