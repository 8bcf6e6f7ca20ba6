/** A label or notes field written to the document on every keystroke. */

import * as React from 'react';

import { errorText } from './words';

/**
 * A text bound to the document: every keystroke is written (labels and notes
 * need no validation); someone else's change shows at once.
 */
export function DocText(props: {
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
