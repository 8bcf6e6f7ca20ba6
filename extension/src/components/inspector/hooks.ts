/** React hooks the inspector's views share. */

import { JSONExt } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';
import * as React from 'react';

/** Re-render whenever a signal fires (and `filter` agrees). */
export function useSignal<A>(
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
export function useStable<T>(value: T): T {
  const ref = React.useRef(value);
  if (!JSONExt.deepEqual(ref.current as any, value as any)) {
    ref.current = value;
  }
  return ref.current;
}
