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

import { FormComponent, ReactWidget } from '@jupyterlab/ui-components';
import { JSONExt } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';
import type { FieldProps, FormValidation } from '@rjsf/utils';
import * as React from 'react';

import { DesignContext } from '../context';
import { iconUri } from '../icons';
import { ICatalogLink, ICatalogType, IConnection, IResource } from '../types';
import { isGeneric } from '../generic';
import { GenericProperties } from './inspector-generic';
import { AWS_REGIONS } from './inspector-regions';
import { FormSpec, validator } from './inspector-schema';

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

// ------------------------------------------------------------------ helpers

let counter = 0;

/** Re-render whenever a signal fires (and `filter` agrees). */
function useSignal<A>(
  signal: ISignal<any, A>,
  filter?: (args: A) => boolean
): void {
  const [, setTick] = React.useState(0);
  const filterRef = React.useRef(filter);
  filterRef.current = filter;
  React.useEffect(() => {
    const slot = (_: any, args: A) => {
      if (!filterRef.current || filterRef.current(args)) {
        setTick(t => t + 1);
      }
    };
    signal.connect(slot);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}

/** The same object as last time when the content is the same (rjsf compares props). */
function useStable<T>(value: T): T {
  const ref = React.useRef(value);
  if (!JSONExt.deepEqual(ref.current as any, value as any)) {
    ref.current = value;
  }
  return ref.current;
}

/** The link of the catalog that a connection from `source` to `target` follows. */
export function linkFor(
  ctx: DesignContext,
  sourceType: string | undefined,
  targetType: string | undefined
): ICatalogLink | undefined {
  if (!sourceType || !targetType) {
    return undefined;
  }
  return ctx.catalog
    .get(sourceType)
    ?.links.find(link => link.targets.includes(targetType));
}

function typeLabel(ctx: DesignContext, type: string): string {
  return ctx.catalog.get(type)?.label ?? type;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ------------------------------------------------------------------ root view

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
  return <div className="isshoni-Inspector-body">{body}</div>;
}

// ------------------------------------------------------------------ nothing selected

function MetaView(props: { ctx: DesignContext; prefix: string }): JSX.Element {
  const { ctx, prefix } = props;
  const meta = ctx.doc.meta;
  const region = meta.region ?? 'us-east-1';
  const spec = React.useMemo(() => {
    const regions = AWS_REGIONS.map(r => r[0]);
    const names = AWS_REGIONS.map(([id, name]) => `${id}: ${name}`);
    if (!regions.includes(region)) {
      regions.push(region);
      names.push(region);
    }
    return new FormSpec(
      {
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 128,
          description: 'Name of the design (stack and resource names derive from it)'
        },
        region: {
          type: 'string',
          enum: regions,
          default: 'us-east-1',
          description: 'AWS region the design deploys to'
        },
        description: {
          type: 'string',
          maxLength: 4096,
          default: '',
          description: 'What this architecture is for'
        },
        notes: {
          type: 'string',
          maxLength: 65536,
          default: '',
          description: 'Free-form notes for the team'
        },
        ephemeral: {
          type: 'boolean',
          default: false,
          description:
            'A sandbox or a demo: deleting it deletes its data (no retain policies, no deletion protection). ' +
            'Off, databases, tables, buckets and logs are kept when the stack goes.'
        }
      },
      {
        widgets: { description: 'textarea', notes: 'textarea' },
        enumNames: { region: names }
      }
    );
  }, [region]);
  return (
    <div className="isshoni-Inspector-meta">
      <h2 className="isshoni-Inspector-heading">Design</h2>
      <p className="isshoni-Inspector-hint">
        Nothing is selected: these are the design's settings. Select a resource
        or a connection on the canvas to edit it.
      </p>
      <PropertiesForm
        key="meta"
        spec={spec}
        values={meta}
        prefix={`${prefix}-meta`}
        onWrite={(key, value) => ctx.doc.setMeta({ [key]: value })}
      />
    </div>
  );
}

// ------------------------------------------------------------------ several selected

function MultiView(props: { ctx: DesignContext; ids: string[] }): JSX.Element {
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

// ------------------------------------------------------------------ a resource

function ResourceView(props: {
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
      <Findings ctx={ctx} id={id} />
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

function ConnectionItem(props: {
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

function LinkMeanings(props: { ctx: DesignContext; entry: ICatalogType }): JSX.Element {
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

function Findings(props: { ctx: DesignContext; id: string }): JSX.Element | null {
  const findings = props.ctx.findingsFor(props.id);
  if (!findings.length) {
    return null;
  }
  return (
    <ul className="isshoni-Inspector-findings">
      {findings.map((f, i) => (
        <li key={i} className={`isshoni-mod-${f.severity}`}>
          <span className="isshoni-Inspector-findingTool">
            {f.tool}:{f.rule}
          </span>{' '}
          {f.message}
        </li>
      ))}
    </ul>
  );
}

// ------------------------------------------------------------------ a connection

function ConnectionView(props: {
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
      <Findings ctx={ctx} id={id} />
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

// ------------------------------------------------------------------ fields

/**
 * A text bound to the document: every keystroke is written (labels and notes
 * need no validation); someone else's change shows at once.
 */
function DocText(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  onWrite: (value: string) => void;
  className?: string;
  multiline?: boolean;
  maxLength?: number;
  placeholder?: string;
}): JSX.Element {
  const [error, setError] = React.useState('');
  const onChange = (
    event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>
  ) => {
    try {
      props.onWrite(event.target.value);
      setError('');
    } catch (e) {
      setError(errorText(e));
    }
  };
  const common = {
    id: props.id,
    name: props.name,
    'data-property': props.name,
    value: props.value,
    onChange,
    maxLength: props.maxLength,
    placeholder: props.placeholder,
    spellCheck: props.multiline ? undefined : false,
    'aria-label': props.label
  };
  return (
    <div className={`isshoni-DocText ${props.className ?? ''}`}>
      {props.multiline ? (
        <textarea className="jp-mod-styled" rows={3} {...common} />
      ) : (
        <input className="jp-mod-styled" type="text" {...common} />
      )}
      {error && <div className="isshoni-Inspector-error">{error}</div>}
    </div>
  );
}

/** A JSON document property (an IAM policy, an event pattern ...) as text. */
function JsonField(props: FieldProps): JSX.Element {
  const { formData, onChange, idSchema, schema, disabled, readonly } = props;
  const pretty = (value: any) =>
    value === undefined ? '' : JSON.stringify(value, null, 2);
  const [text, setText] = React.useState(() => pretty(formData));
  const [error, setError] = React.useState('');
  const focused = React.useRef(false);
  React.useEffect(() => {
    let same = false;
    try {
      same = JSONExt.deepEqual(JSON.parse(text), formData);
    } catch {
      same = false;
    }
    if (!same && !focused.current) {
      setText(pretty(formData));
      setError('');
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [formData]);
  const id = idSchema.$id;
  return (
    <div className="isshoni-JsonField">
      <h3 className="jp-FormGroup-fieldLabel jp-FormGroup-contentItem">
        <label htmlFor={id}>{schema.title}</label>
      </h3>
      {schema.description && (
        <div className="jp-FormGroup-description">{schema.description}</div>
      )}
      <textarea
        id={id}
        name={id}
        className="form-control isshoni-JsonField-text"
        value={text}
        rows={Math.min(16, Math.max(6, text.split('\n').length))}
        spellCheck={false}
        disabled={disabled || readonly}
        onFocus={() => {
          focused.current = true;
        }}
        onBlur={() => {
          focused.current = false;
        }}
        onChange={event => {
          const value = event.target.value;
          setText(value);
          try {
            const parsed = JSON.parse(value);
            setError('');
            onChange(parsed);
          } catch (e) {
            setError(`not valid JSON: ${errorText(e)}`);
          }
        }}
      />
      {error && <div className="isshoni-JsonField-error">{error}</div>}
    </div>
  );
}

const FIELDS = { json: JsonField };

/**
 * The rjsf form of one object schema.  `values` are the document's values;
 * changed keys are validated one by one and written through `onWrite` when
 * valid, kept local (with the error shown) when not.
 */
function PropertiesForm(props: {
  spec: FormSpec;
  values: Record<string, any>;
  prefix: string;
  onWrite: (key: string, value: any) => void;
}): JSX.Element {
  const { spec, prefix } = props;
  // key -> a local value the document does not hold (invalid or empty)
  const [pending, setPending] = React.useState<Record<string, { value: any }>>({});
  const [writeError, setWriteError] = React.useState('');
  const box = React.useRef<HTMLDivElement>(null);

  const merged = spec.formData(props.values);
  for (const [key, p] of Object.entries(pending)) {
    if (p.value === undefined) {
      delete merged[key];
    } else {
      merged[key] = p.value;
    }
  }
  const formData = useStable(merged);
  const formContext = useStable({ defaultFormData: spec.defaults });

  const onChange = (event: { formData?: any }) => {
    const next: Record<string, any> = event.formData ?? {};
    const changed = spec.keys.filter(
      key => !JSONExt.deepEqual(next[key] ?? null, formData[key] ?? null)
    );
    if (!changed.length) {
      return;
    }
    const nextPending = { ...pending };
    let failure = '';
    for (const key of changed) {
      const value = next[key];
      if (value !== undefined && !spec.problems(key, value).length) {
        try {
          props.onWrite(key, value);
          delete nextPending[key];
        } catch (e) {
          failure = errorText(e);
          nextPending[key] = { value };
        }
      } else {
        nextPending[key] = { value };
      }
    }
    setWriteError(failure);
    setPending(nextPending);
  };

  const customValidate = (
    data: Record<string, any> | undefined,
    errors: FormValidation<any>
  ) => {
    for (const key of spec.keys) {
      const value = data?.[key];
      const target = (errors as any)[key];
      if (!target) {
        continue;
      }
      if (value === undefined && key in pending) {
        target.addError(spec.problems(key, undefined)[0] ?? 'enter a value');
      } else if (value !== undefined && spec.isDocument(key)) {
        for (const problem of spec.problems(key, value)) {
          target.addError(problem);
        }
      }
    }
    return errors;
  };

  // Browser tests (and people) find a field by its property key.
  React.useEffect(() => {
    const root = box.current;
    if (!root) {
      return;
    }
    const start = `${prefix}_`;
    for (const el of Array.from(
      root.querySelectorAll<HTMLElement>('input, select, textarea')
    )) {
      if (el.id.startsWith(start)) {
        const key = el.id.slice(start.length);
        if (spec.fields[key]) {
          el.dataset.property = key;
        }
      }
    }
  });

  // rjsf's generics do not line up with FormComponent's (ReadonlyJSONObject): untyped here.
  const formProps: any = {
    schema: spec.formSchema,
    uiSchema: spec.uiSchema,
    formData,
    formContext,
    validator,
    fields: FIELDS,
    idPrefix: prefix,
    idSeparator: '_',
    liveValidate: true,
    noHtml5Validate: true,
    showErrorList: false,
    customValidate,
    transformErrors: (errors: any[]) => spec.transformErrors(errors, formData),
    onChange,
    compact: true,
    // JupyterLab finds the default by splitting ids on '_' (most keys here have one)
    showModifiedFromDefault: false
  };

  return (
    <div className="isshoni-PropertiesForm" ref={box}>
      <FormComponent {...formProps} />
      {writeError && <div className="isshoni-Inspector-error">{writeError}</div>}
    </div>
  );
}
