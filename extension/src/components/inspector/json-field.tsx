/** The rjsf field for JSON document properties (IAM policies, event patterns ...): edited as text, written when it parses. */

import { JSONExt } from '@lumino/coreutils';
import type { FieldProps } from '@rjsf/utils';
import * as React from 'react';

import { errorText } from './words';

/** A JSON document property (an IAM policy, an event pattern ...) as text. */
export function JsonField(props: FieldProps): JSX.Element {
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
