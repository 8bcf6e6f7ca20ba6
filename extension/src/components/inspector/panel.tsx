/**
 * The inspector ("Properties" tab): a form for the one selected resource or
 * connection, generated from the catalog's JSON Schema (rjsf through
 * JupyterLab's `FormComponent`, validated live with ajv); the design's meta
 * when nothing is selected; a count when several things are.
 *
 * Every valid property is written on its own with `doc.set(id, {key: value})`
 * so two people editing two properties of one node both win; an invalid value
 * stays in the form (with its error) until it becomes valid.  The form redraws
 * when someone else edits the item, keeping the field that has focus.
 */

import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { DesignContext } from '../../context';
import { ConnectionView } from './connection-view';
import { DriftNote } from './drift-note';
import { useSignal } from './hooks';
import { MetaView } from './meta-view';
import { describe } from '../versions/panel';
import { MultiView } from './multi-view';
import { ResourceView } from './resource-view';

export class Inspector extends ReactWidget {
  constructor(readonly ctx: DesignContext) {
    super();
    this.addClass('isshoni-Inspector');
    this.title.label = 'Properties';
    this.title.caption = 'Properties of the selection (or of the design)';
  }

  protected render(): JSX.Element {
    return <InspectorView ctx={this.ctx} />;
  }
}

let counter = 0;

/** How the selected item differs from what the design is compared with (the Versions tab). */
function DifferenceNote(props: { ctx: DesignContext; id: string }): JSX.Element | null {
  const { ctx, id } = props;
  const found = ctx.difference(id);
  if (!found || !ctx.comparison) {
    return null;
  }
  return (
    <div className={`isshoni-Inspector-diff isshoni-mod-${found.kind}`}>
      <strong>
        {found.kind === 'added' ? 'Added' : found.kind === 'removed' ? 'Removed' : 'Changed'} since {ctx.comparison.label}
      </strong>
      <ul>
        {found.changes.map(change => (
          <li key={change.path}>{describe(change)}</li>
        ))}
      </ul>
    </div>
  );
}

/** What the inspector shows for the selection: one item, several, or the design. */
function InspectorView(props: { ctx: DesignContext }): JSX.Element {
  const { ctx } = props;
  useSignal(ctx.selectionChanged);
  useSignal(
    ctx.doc.changed,
    changes =>
      !!(
        changes.metaChanged ||
        changes.resourcesChanged?.length ||
        changes.connectionsChanged?.length
      )
  );
  useSignal(ctx.findingsChanged);
  useSignal(ctx.accessChanged);
  useSignal(ctx.comparisonChanged);
  useSignal(ctx.driftChanged);
  const [prefix] = React.useState(() => `isshoni-inspector${++counter}`);

  const selection = ctx.selection.filter(
    id => ctx.doc.resource(id) !== undefined || ctx.doc.connection(id) !== undefined
  );
  let body: JSX.Element;
  if (selection.length > 1) {
    body = <MultiView ctx={ctx} ids={selection} />;
  } else if (selection.length === 1) {
    const id = selection[0];
    const resource = ctx.doc.resource(id);
    body = resource ? (
      <ResourceView key={id} ctx={ctx} id={id} resource={resource} prefix={prefix} />
    ) : (
      <ConnectionView
        key={id}
        ctx={ctx}
        id={id}
        connection={ctx.doc.connection(id)!}
        prefix={prefix}
      />
    );
  } else {
    body = <MetaView ctx={ctx} prefix={prefix} />;
  }
  // a viewer reads every field; a disabled fieldset disables every control inside it
  return (
    <div className="isshoni-Inspector-body">
      {ctx.readOnly !== null && <p className="isshoni-Inspector-readonly">Read-only: {ctx.readOnly}.</p>}
      {selection.length === 1 && <DifferenceNote ctx={ctx} id={selection[0]} />}
      {selection.length === 1 && <DriftNote ctx={ctx} id={selection[0]} />}
      <fieldset className="isshoni-Inspector-fields" disabled={ctx.readOnly !== null}>
        {body}
      </fieldset>
    </div>
  );
}
