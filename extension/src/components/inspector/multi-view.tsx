/** Several things selected: a list to pick the one to edit. */

import * as React from 'react';

import { DesignContext } from '../../context';
import { typeLabel } from './words';

export function MultiView(props: { ctx: DesignContext; ids: string[] }): JSX.Element {
  const { ctx, ids } = props;
  return (
    <div className="isshoni-Inspector-multi">
      <h2 className="isshoni-Inspector-heading">{ids.length} items selected</h2>
      <p className="isshoni-Inspector-hint">
        Select a single resource or connection to edit its properties.
      </p>
      <ul className="isshoni-Inspector-list">
        {ids.map(id => {
          const r = ctx.doc.resource(id);
          const c = r ? undefined : ctx.doc.connection(id);
          const text = r
            ? `${r.label || id} (${typeLabel(ctx, r.type)})`
            : c
              ? `${c.label || id}: ${c.source} → ${c.target}`
              : id;
          return (
            <li key={id}>
              <button
                className="isshoni-Inspector-link"
                onClick={() => ctx.select([id])}
                title={`Select only ${id}`}
              >
                {text}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
