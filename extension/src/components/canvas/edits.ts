/**
 * The edits a person makes from the canvas besides dragging: add a resource
 * where the catalog lets it go, delete the selection.  Each is one undoable
 * step through the YInfra operations, and says what happened in a toast.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { IPosition } from '../../types';
import { isGhost } from './geometry';
import { IPlacement, Placement } from './placement';
import { Toaster } from './toast';

/**
 * Add a resource of a catalog type, as a palette drop does: at `position`
 * (model coordinates; default: the centre of the view, or inside the
 * selected container), inside the innermost container allowed there.
 * Returns the new id, or null when it cannot be placed (the toast says why).
 */
export function addResource(
  ctx: DesignContext,
  cy: cytoscape.Core,
  placer: Placement,
  toast: Toaster,
  type: string,
  position?: IPosition
): string | null {
  const entry = ctx.catalog.get(type);
  if (!entry) {
    toast(`Unknown resource type '${type}'`, 'error');
    return null;
  }
  let point = position;
  let placement: IPlacement | null = null;
  if (!point) {
    const selected = ctx.selection
      .map(id => cy.getElementById(id))
      .find(
        ele =>
          ele.nonempty() && ele.isNode() && ele.hasClass('container') && entry.containers.includes(ele.data('type'))
      );
    if (selected) {
      point = placer.freeSpotIn(selected as cytoscape.NodeSingular);
      placement = { parent: selected.id() };
    } else {
      const ext = cy.extent();
      point = { x: (ext.x1 + ext.x2) / 2, y: (ext.y1 + ext.y2) / 2 };
    }
  }
  placement = placement ?? placer.placement(entry, point);
  if (placement.refuse && !position) {
    // Keyboard add: fall back to the first container in the design that may hold it.
    const host = cy
      .nodes('.container')
      .filter(n => entry.containers.includes(n.data('type')))
      .first();
    if (host.nonempty()) {
      point = placer.freeSpotIn(host[0] as cytoscape.NodeSingular);
      placement = { parent: host.id() };
    }
  }
  if (placement.refuse) {
    toast(placement.refuse, 'error');
    return null;
  }
  // where the model puts it, and free: never drawn inside a box it does not belong to
  const agreed = placer.agreeing(point, placement.parent);
  const free = placer.freeSpot(agreed);
  const recheck = placer.agreeing(free, placement.parent);
  point = recheck.x === free.x && recheck.y === free.y ? free : agreed;
  let id: string;
  try {
    id = ctx.doc.add(type, { label: entry.label, parent: placement.parent, position: point });
  } catch (error) {
    toast(`Cannot add ${entry.label}: ${(error as Error).message}`, 'error');
    return null;
  }
  ctx.select([id]);
  if (placement.note) {
    toast(placement.note);
  }
  return id;
}

/** Remove the selected resources and connections in one transaction (one undo restores them). */
export function deleteSelection(ctx: DesignContext, cy: cytoscape.Core, toast: Toaster): void {
  const ids = new Set<string>(ctx.selection);
  cy.$(':selected').forEach(ele => {
    if (!isGhost(ele.id())) {
      ids.add(ele.id());
    }
  });
  const resources = ctx.doc.ydoc.getMap('resources');
  const connections = ctx.doc.ydoc.getMap('connections');
  const conns = [...ids].filter(id => connections.has(id));
  const res = [...ids].filter(id => resources.has(id));
  if (!conns.length && !res.length) {
    return;
  }
  ctx.doc.transact(() => {
    for (const id of conns) {
      if (connections.has(id)) {
        ctx.doc.remove(id);
      }
    }
    for (const id of res) {
      if (resources.has(id)) {
        ctx.doc.remove(id);
      }
    }
  });
  ctx.select([]);
  const n = conns.length + res.length;
  toast(`Deleted ${n} item${n === 1 ? '' : 's'} (undo with Ctrl/Cmd+Z)`);
}
