/** Nothing selected: the design's own settings (name, region, description, notes, ephemeral) and its monthly estimate. */

import * as React from 'react';

import { DesignContext } from '../../context';
import { CostChart } from './cost-chart';
import { FormSpec } from './form-spec';
import { PropertiesForm } from './properties-form';
import { AWS_REGIONS } from './regions';

/** The meta form's spec, one per region list and kept for the page's life: rjsf hands the same
 * root schema to ajv on every check then (its validator compares the root schema it holds with
 * the one given, deeply when they are two objects: a new spec per open cost 15-25 ms of that). */
let known: FormSpec | null = null;
let other: { region: string; spec: FormSpec } | null = null; // a region not in the list: the last one

function metaSpec(region: string): FormSpec {
  if (AWS_REGIONS.some(r => r[0] === region)) {
    return (known ??= makeSpec(null));
  }
  if (other?.region !== region) {
    other = { region, spec: makeSpec(region) };
  }
  return other.spec;
}

/** The form for the listed regions, and `unlisted` when the design names one that is not. */
function makeSpec(unlisted: string | null): FormSpec {
  const regions = AWS_REGIONS.map(r => r[0]);
  const names = AWS_REGIONS.map(([id, name]) => `${id}: ${name}`);
  if (unlisted !== null) {
    regions.push(unlisted);
    names.push(unlisted);
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
}

export function MetaView(props: { ctx: DesignContext; prefix: string }): JSX.Element {
  const { ctx, prefix } = props;
  const meta = ctx.doc.meta;
  const region = meta.region ?? 'us-east-1';
  const spec = metaSpec(region);
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
      <CostChart ctx={ctx} />
    </div>
  );
}
