/**
 * One resource selected: its label, facts (id, type, container), findings,
 * properties (a catalog form, or the generic editor), notes and connections.
 */

import * as React from 'react';

import { DesignContext } from '../../context';
import { isGeneric } from '../../generic';
import { iconUri } from '../../icons';
import { IResource } from '../../types';
import { DocText } from './doc-text';
import { FindingsList } from './findings-list';
import { FormSpec } from './form-spec';
import { GenericProperties } from './generic-properties';
import { PropertiesForm } from './properties-form';
import { ConnectionItem, LinkMeanings } from './resource-connections';

export function ResourceView(props: {
  ctx: DesignContext;
  id: string;
  resource: IResource;
  prefix: string;
}): JSX.Element {
  const { ctx, id, resource, prefix } = props;
  const entry = ctx.catalog.get(resource.type);
  const generic = isGeneric(resource.type);
  const spec = React.useMemo(
    () =>
      entry && !generic
        ? new FormSpec(entry.properties?.properties ?? {}, {
            required: entry.properties?.required
          })
        : null,
    [entry, generic]
  );
  const parent = resource.parent ? ctx.doc.resource(resource.parent) : undefined;
  const connections = Object.entries(ctx.doc.connections).filter(
    ([, c]) => c.source === id || c.target === id
  );
  return (
    <div className="isshoni-Inspector-resource">
      <div className="isshoni-Inspector-title">
        {entry && (
          <img
            className="isshoni-Inspector-icon"
            src={iconUri(entry.icon, entry.category)}
            alt=""
          />
        )}
        <DocText
          className="isshoni-Inspector-label"
          id={`${prefix}-label`}
          name="label"
          label="Label"
          value={resource.label}
          maxLength={256}
          onWrite={value => ctx.doc.setLabel(id, value)}
        />
      </div>
      <dl className="isshoni-Inspector-facts">
        <dt>Id</dt>
        <dd>
          <code>{id}</code>
        </dd>
        <dt>Type</dt>
        <dd>
          {entry ? entry.label : 'unknown type'} (<code>{resource.type}</code>)
        </dd>
        <dt>Inside</dt>
        <dd>
          {resource.parent ? (
            <button
              className="isshoni-Inspector-link"
              onClick={() => ctx.select([resource.parent!])}
            >
              {parent?.label || resource.parent} (<code>{resource.parent}</code>)
            </button>
          ) : (
            'nothing (top level)'
          )}
        </dd>
      </dl>
      {entry && <p className="isshoni-Inspector-description">{entry.description}</p>}
      {!entry && (
        <p className="isshoni-Inspector-error">
          The catalog has no type '{resource.type}': its properties cannot be edited.
        </p>
      )}
      <FindingsList ctx={ctx} id={id} />
      {generic && <GenericProperties ctx={ctx} id={id} resource={resource} />}
      {spec && (
        <section className="isshoni-Inspector-section">
          <h3 className="isshoni-Inspector-sectionTitle">Properties</h3>
          {spec.keys.length ? (
            <PropertiesForm
              spec={spec}
              values={resource.properties}
              prefix={`${prefix}-p`}
              onWrite={(key, value) => ctx.doc.set(id, { [key]: value })}
            />
          ) : (
            <p className="isshoni-Inspector-hint">This resource has no settings.</p>
          )}
        </section>
      )}
      <section className="isshoni-Inspector-section">
        <h3 className="isshoni-Inspector-sectionTitle">Notes</h3>
        <DocText
          multiline
          className="isshoni-Inspector-notes"
          id={`${prefix}-notes`}
          name="notes"
          label="Notes"
          value={resource.notes ?? ''}
          maxLength={65536}
          placeholder="Notes for the team about this resource"
          onWrite={value => ctx.doc.setNotes(id, value)}
        />
      </section>
      <section className="isshoni-Inspector-section">
        <h3 className="isshoni-Inspector-sectionTitle">Connections</h3>
        {connections.length ? (
          <ul className="isshoni-Inspector-connections">
            {connections.map(([cid, c]) => (
              <ConnectionItem key={cid} ctx={ctx} id={cid} connection={c} from={id} />
            ))}
          </ul>
        ) : (
          <p className="isshoni-Inspector-hint">No connections yet.</p>
        )}
        {entry && !generic && <LinkMeanings ctx={ctx} entry={entry} />}
      </section>
    </div>
  );
}
