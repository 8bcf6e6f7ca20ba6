/**
 * The design's monthly estimate in the design view (nothing selected): the total, what is not
 * priced, and a bar per service scaled to the largest, each with its figure as text (the bar is
 * only its picture).  From the estimate the canvas's cost badges asked for (context.cost).
 */

import * as React from 'react';

import { DesignContext } from '../../context';
import { money } from '../../money';
import { useSignal } from './hooks';

export function CostChart(props: { ctx: DesignContext }): JSX.Element | null {
  const { ctx } = props;
  useSignal(ctx.costChanged);
  const estimate = ctx.cost;
  if (!estimate) {
    return null;
  }
  const services = Object.entries(estimate.by_service);
  const largest = Math.max(...services.map(([, v]) => v), 0);
  const unpriced = estimate.counts['not priced'];
  return (
    <section className="isshoni-Inspector-section isshoni-CostChart">
      <h3 className="isshoni-Inspector-sectionTitle">Monthly estimate</h3>
      <p className="isshoni-CostChart-total">
        <strong>{money(estimate.monthly_total)}</strong>/month in {estimate.region}: {estimate.counts.priced} priced,{' '}
        {estimate.counts.free} free{unpriced ? `, ${unpriced} not priced (not counted)` : ''}.
      </p>
      {services.length > 0 && (
        <table className="isshoni-CostChart-services" aria-label="Monthly estimate by service">
          <tbody>
            {services.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className="isshoni-CostChart-barCell">
                  <span
                    className="isshoni-CostChart-bar"
                    style={{ width: `${largest > 0 ? Math.max(2, (100 * value) / largest) : 0}%` }}
                  />
                </td>
                <td className="isshoni-CostChart-value">{money(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="isshoni-Inspector-hint">
        List prices ({estimate.as_of}), no free tier; usage assumptions are each node's cost properties.
      </p>
    </section>
  );
}
