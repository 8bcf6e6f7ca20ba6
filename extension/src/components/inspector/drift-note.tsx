/**
 * How the selected node differs from what runs (the deploy panel's last drift check): each
 * drifted setting with the design's and the live value, and "Adopt live value" where the design
 * can hold it (one undoable edit).
 */

import * as React from 'react';

import { DesignContext } from '../../context';
import { adoptLive, shown } from '../../drift';

export function DriftNote(props: { ctx: DesignContext; id: string }): JSX.Element | null {
  const { ctx, id } = props;
  const node = ctx.driftOf(id);
  if (!node) {
    return null;
  }
  const deleted = node.status === 'deleted';
  return (
    <div className={`isshoni-Inspector-drift isshoni-mod-${deleted ? 'deleted' : 'drifted'}`}>
      <strong>{deleted ? 'Deleted outside Isshoni' : 'Drifted: what runs differs from the design'}</strong>
      <ul>
        {node.differences.map((d, i) => (
          <li key={`${d.part}-${d.setting}-${i}`} title={d.why ?? ''}>
            {d.part !== id ? `${d.part} ` : ''}
            {d.setting}: design <code>{shown(d.design)}</code>, live <code>{shown(d.live)}</code>
            {d.property !== undefined ? ` (adopt sets ${d.property})` : d.why ? ` (${d.why})` : ''}
          </li>
        ))}
      </ul>
      {node.adopt && ctx.readOnly === null && (
        <button
          type="button"
          className="jp-mod-styled isshoni-Inspector-adopt"
          onClick={() => {
            if (adoptLive(ctx.doc, id, node)) {
              ctx.adopted(id);
            }
          }}
        >
          {node.adopt.remove ? 'Adopt: remove from the design' : 'Adopt live value'}
        </button>
      )}
    </div>
  );
}
