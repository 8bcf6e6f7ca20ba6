/** The check findings about one resource or connection, in its inspector. */

import * as React from 'react';

import { DesignContext } from '../../context';

export function FindingsList(props: { ctx: DesignContext; id: string }): JSX.Element | null {
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
