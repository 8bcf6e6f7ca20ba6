/** A resource's connections in its inspector, and what the catalog says its links mean. */

import * as React from 'react';

import { DesignContext } from '../../context';
import { ICatalogType, IConnection } from '../../types';
import { linkFor, typeLabel } from './words';

export function ConnectionItem(props: {
  ctx: DesignContext;
  id: string;
  connection: IConnection;
  from: string;
}): JSX.Element {
  const { ctx, id, connection, from } = props;
  const outgoing = connection.source === from;
  const other = outgoing ? connection.target : connection.source;
  const otherResource = ctx.doc.resource(other);
  const link = linkFor(
    ctx,
    ctx.doc.resource(connection.source)?.type,
    ctx.doc.resource(connection.target)?.type
  );
  return (
    <li className="isshoni-Inspector-connection" data-connection={id}>
      <button
        className="isshoni-Inspector-link"
        onClick={() => ctx.select([id])}
        title={`Select the connection ${id}`}
      >
        {outgoing ? '→ ' : '← '}
        {otherResource?.label || other}
        {connection.label ? ` (${connection.label})` : ''}
      </button>
      <span className="isshoni-Inspector-meaning">
        {link
          ? outgoing
            ? link.meaning
            : `${ctx.doc.resource(connection.source)?.label || connection.source} ${link.meaning}`
          : 'not a connection the catalog allows'}
      </span>
    </li>
  );
}

export function LinkMeanings(props: { ctx: DesignContext; entry: ICatalogType }): JSX.Element {
  const { ctx, entry } = props;
  if (!entry.links.length) {
    return (
      <p className="isshoni-Inspector-hint">
        {entry.label} starts no connections (others may connect to it).
      </p>
    );
  }
  return (
    <details className="isshoni-Inspector-links">
      <summary>What its connections mean</summary>
      <ul>
        {entry.links.map((link, i) => (
          <li key={i}>
            <span className="isshoni-Inspector-targets">
              → {link.targets.map(t => typeLabel(ctx, t)).join(', ')}
            </span>
            : {link.meaning}
          </li>
        ))}
      </ul>
    </details>
  );
}
