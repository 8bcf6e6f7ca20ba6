/** One connection selected: its ends, meaning (from the catalog link), label, findings and properties. */

import * as React from 'react';

import { DesignContext } from '../../context';
import { IConnection, IResource } from '../../types';
import { DocText } from './doc-text';
import { FindingsList } from './findings-list';
import { FormSpec } from './form-spec';
import { PropertiesForm } from './properties-form';
import { linkFor, typeLabel } from './words';

export function ConnectionView(props: {
  ctx: DesignContext;
  id: string;
  connection: IConnection;
  prefix: string;
}): JSX.Element {
  const { ctx, id, connection, prefix } = props;
  const source = ctx.doc.resource(connection.source);
  const target = ctx.doc.resource(connection.target);
  const link = linkFor(ctx, source?.type, target?.type);
  const spec = React.useMemo(
    () => (link ? new FormSpec(link.properties ?? {}) : null),
    [link]
  );
  const end = (rid: string, r: IResource | undefined) => (
    <button
      className="isshoni-Inspector-link"
      onClick={() => ctx.select([rid])}
      title={`Select ${rid}`}
    >
      {r?.label || rid}
    </button>
  );
  return (
    <div className="isshoni-Inspector-connectionView">
      <h2 className="isshoni-Inspector-heading">Connection</h2>
      <p className="isshoni-Inspector-ends">
        {end(connection.source, source)} <span aria-hidden="true">→</span>{' '}
        {end(connection.target, target)}
      </p>
      <dl className="isshoni-Inspector-facts">
        <dt>Id</dt>
        <dd>
          <code>{id}</code>
        </dd>
        <dt>Meaning</dt>
        <dd>
          {link ? (
            `${source?.label || connection.source} ${link.meaning}`
          ) : (
            <span className="isshoni-Inspector-error">
              The catalog has no connection from{' '}
              {source ? typeLabel(ctx, source.type) : connection.source} to{' '}
              {target ? typeLabel(ctx, target.type) : connection.target}.
            </span>
          )}
        </dd>
      </dl>
      <DocText
        className="isshoni-Inspector-label"
        id={`${prefix}-label`}
        name="label"
        label="Label"
        value={connection.label ?? ''}
        maxLength={256}
        placeholder="Optional label shown on the edge"
        onWrite={value => ctx.doc.setLabel(id, value)}
      />
      <FindingsList ctx={ctx} id={id} />
      {spec && (
        <section className="isshoni-Inspector-section">
          <h3 className="isshoni-Inspector-sectionTitle">Properties</h3>
          {spec.keys.length ? (
            <PropertiesForm
              spec={spec}
              values={connection.properties ?? {}}
              prefix={`${prefix}-c`}
              onWrite={(key, value) => ctx.doc.set(id, { [key]: value })}
            />
          ) : (
            <p className="isshoni-Inspector-hint">This connection has no settings.</p>
          )}
        </section>
      )}
    </div>
  );
}
