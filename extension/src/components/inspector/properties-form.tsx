/**
 * The properties of one item as an rjsf form (JupyterLab's `FormComponent`,
 * validated live with ajv): each valid property written on its own, an
 * invalid one kept in the form with its error until it becomes valid.
 */

import { FormComponent } from '@jupyterlab/ui-components';
import { JSONExt } from '@lumino/coreutils';
import type { FormValidation } from '@rjsf/utils';
import * as React from 'react';

import { FormSpec, validator } from './form-spec';
import { useStable } from './hooks';
import { JsonField } from './json-field';
import { errorText } from './words';

const FIELDS = { json: JsonField };

/**
 * The rjsf form of one object schema.  `values` are the document's values;
 * changed keys are validated one by one and written through `onWrite` when
 * valid, kept local (with the error shown) when not.
 */
export function PropertiesForm(props: {
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

  // Browser tests (and people) find a field by its property key; the label shows a readable
  // title and keeps the key in its tooltip (the name in the design file, the API and the kernel).
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
          const group = el.closest('.form-group, .isshoni-JsonField');
          const label = group?.querySelector<HTMLElement>('.jp-FormGroup-fieldLabel') ?? el.closest('label');
          if (label) {
            label.title = key;
            label.dataset.propertyLabel = key;
          }
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
