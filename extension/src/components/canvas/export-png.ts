/**
 * The design as a PNG image (cytoscape's own rendering of the whole design,
 * scaled to stay under what a browser canvas can hold), drawn without the
 * local selection and the other users' marks.
 */

import cytoscape from 'cytoscape';

import { designElements } from './geometry';
import { SelectionSync } from './selection';

export async function exportPng(cy: cytoscape.Core, selection: SelectionSync, background: string): Promise<Blob> {
  return withoutMarks(cy, selection, async () => {
    const eles = designElements(cy);
    if (eles.empty()) {
      return new Blob([], { type: 'image/png' });
    }
    const bb = eles.boundingBox({});
    const w = bb.x2 - bb.x1;
    const h = bb.y2 - bb.y1;
    // keep big designs under what a browser canvas can hold
    const scale = Math.min(2, 8000 / Math.max(w, h, 1));
    const blob = await (cy.png as any)({
      output: 'blob-promise',
      full: true,
      scale,
      bg: background
    });
    return blob as Blob;
  });
}

/** Runs `fn` with the local selection and the other users' marks hidden (the selection kept). */
async function withoutMarks<T>(cy: cytoscape.Core, selection: SelectionSync, fn: () => Promise<T> | T): Promise<T> {
  const selected = cy.$(':selected');
  const remote = cy.$('.remote-selected');
  selection.muted = true;
  cy.batch(() => {
    selected.unselect();
    remote.removeClass('remote-selected');
  });
  try {
    return await fn();
  } finally {
    cy.batch(() => {
      selected.select();
      remote.addClass('remote-selected');
    });
    selection.muted = false;
  }
}
