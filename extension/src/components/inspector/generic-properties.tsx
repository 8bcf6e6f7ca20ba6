/**
 * The inspector's properties of a generic resource (`cfn:<type>`): its
 * CloudFormation properties as one JSON document, checked against the type's
 * registry schema by the server when applied (the same check as every other
 * edit: read-only and unknown properties, types, patterns, references), with
 * the type's required properties, the attributes a reference may read, its
 * Terraform counterpart, and the resources it refers to (its connections).
 */

import { JSONExt } from '@lumino/coreutils';
import * as React from 'react';

import { ApiError, editDesign } from '../../api';
import { DesignContext } from '../../context';
import { references } from '../../generic';
import { describeCfnType, ICfnType } from '../../generic-api';
import { IResource } from '../../types';

interface IProblem {
  path: string;
  message: string;
}

function pretty(value: any): string {
  return JSON.stringify(value ?? {}, null, 2);
}

/** Quick hints before the server's check: unknown and read-only top-level names. */
function hints(value: Record<string, any>, info: ICfnType | null): string[] {
  if (!info) {
    return [];
  }
  const known = info.schema.properties ?? {};
  const out: string[] = [];
  for (const key of Object.keys(value)) {
    if (info.read_only.includes(key)) {
      out.push(`${key} is read-only: AWS sets it`);
    } else if (!(key in known)) {
      out.push(`${info.cfn_type} has no property ${key}`);
    }
  }
  for (const key of info.required) {
    if (!(key in value)) {
      out.push(`${key} is required`);
    }
  }
  return out;
}

export function GenericProperties(props: {
  ctx: DesignContext;
  id: string;
  resource: IResource;
}): JSX.Element {
  const { ctx, id, resource } = props;
  const region = ctx.doc.meta.region || 'us-east-1';
  const [info, setInfo] = React.useState<ICfnType | null>(null);
  const [infoError, setInfoError] = React.useState('');
  React.useEffect(() => {
    let live = true;
    describeCfnType(resource.type, region).then(
      found => live && setInfo(found),
      error => live && setInfoError((error as Error).message)
    );
    return () => {
      live = false;
    };
  }, [resource.type, region]);

  const stored = resource.properties ?? {};
  const [text, setText] = React.useState(() => pretty(stored));
  const [editing, setEditing] = React.useState(false);
  const [problems, setProblems] = React.useState<IProblem[]>([]);
  const [status, setStatus] = React.useState('');
  React.useEffect(() => {
    if (!editing) {
      setText(pretty(stored)); // someone else's edit shows at once
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pretty(stored), editing]);

  let parsed: any = undefined;
  let parseError = '';
  try {
    parsed = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      parseError = 'the properties are one JSON object';
    }
  } catch (error) {
    parseError = `not valid JSON: ${(error as Error).message}`;
  }
  const changed = !parseError && !JSONExt.deepEqual(parsed, stored);

  const apply = async () => {
    const values: Record<string, any> = { ...parsed };
    for (const key of Object.keys(stored)) {
      if (!(key in parsed)) {
        values[key] = null; // removed
      }
    }
    setStatus('Checking…');
    try {
      await editDesign(ctx.path, [{ op: 'set', id, properties: values }]);
      setProblems([]);
      setEditing(false);
      setStatus('Applied.');
    } catch (error) {
      const found = error instanceof ApiError ? error.problems : [];
      setProblems(found.length ? found : [{ path: '', message: (error as Error).message }]);
      setStatus('');
    }
  };

  const refs = references(stored);
  const where = `$.resources.${id}.properties`;
  return (
    <section className="isshoni-Inspector-section isshoni-GenericProperties">
      <h3 className="isshoni-Inspector-sectionTitle">CloudFormation properties</h3>
      <dl className="isshoni-Inspector-facts">
        <dt>Terraform</dt>
        <dd className="isshoni-GenericProperties-terraform">
          {info
            ? info.terraform ?? 'none: the Terraform module leaves it out (CloudFormation only)'
            : infoError || '…'}
        </dd>
        {info && info.required.length > 0 && (
          <>
            <dt>Required</dt>
            <dd>{info.required.join(', ')}</dd>
          </>
        )}
        {info && info.attributes.length > 0 && (
          <>
            <dt>Attributes</dt>
            <dd className="isshoni-GenericProperties-attributes">{info.attributes.join(', ')}</dd>
          </>
        )}
      </dl>
      <p className="isshoni-Inspector-hint">
        CloudFormation&apos;s own property names. Refer to another resource with{' '}
        <code>{'{"ref": "<id>"}'}</code> or <code>{'{"ref": "<id>", "attribute": "Arn"}'}</code>.
      </p>
      <textarea
        className="jp-mod-styled isshoni-GenericProperties-json"
        aria-label="Properties (JSON)"
        data-property="properties"
        spellCheck={false}
        rows={Math.min(20, Math.max(6, text.split('\n').length))}
        value={text}
        onChange={event => {
          setText(event.target.value);
          setEditing(true);
          setStatus('');
        }}
      />
      {parseError && <div className="isshoni-Inspector-error">{parseError}</div>}
      {!parseError &&
        hints(parsed, info).map((hint, i) => (
          <div key={i} className="isshoni-GenericProperties-hint">
            {hint}
          </div>
        ))}
      <div className="isshoni-GenericProperties-actions">
        <button
          className="jp-mod-styled jp-mod-accept isshoni-GenericProperties-apply"
          disabled={!changed}
          onClick={() => void apply()}
        >
          Apply
        </button>
        <button
          className="jp-mod-styled isshoni-GenericProperties-revert"
          disabled={!editing}
          onClick={() => {
            setEditing(false);
            setProblems([]);
            setText(pretty(stored));
          }}
        >
          Revert
        </button>
        <span className="isshoni-GenericProperties-status">{status}</span>
      </div>
      {problems.length > 0 && (
        <ul className="isshoni-Inspector-findings">
          {problems.map((p, i) => (
            <li key={i} className="isshoni-mod-error isshoni-GenericProperties-problem">
              {p.path.startsWith(where) ? p.path.slice(where.length).replace(/^\./, '') || '(properties)' : p.path}
              {p.path ? ': ' : ''}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <h3 className="isshoni-Inspector-sectionTitle">Refers to</h3>
      {refs.length ? (
        <ul className="isshoni-Inspector-connections">
          {refs.map((ref, i) => (
            <li key={i} className="isshoni-Inspector-connection">
              <button className="isshoni-Inspector-link" onClick={() => ctx.select([ref.target])}>
                → {ctx.doc.resource(ref.target)?.label || ref.target}
              </button>{' '}
              <span className="isshoni-Inspector-meaning">
                {ref.path.join('.')} = {ref.attribute ? `its ${ref.attribute}` : 'its Ref'}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="isshoni-Inspector-hint">No references yet.</p>
      )}
    </section>
  );
}
