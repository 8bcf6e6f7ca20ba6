/** The blue/green canary control: steps 10/50/90/100, the automatic walk, rollback, and the weights. */

import { button } from '../dom';
import { weightsChart } from './chart';
import { IDeployment } from './records';

export interface ICanaryActions {
  step(green: number): void;
  walk(acceptUnchecked: boolean): void;
  rollback(): void;
}

export class CanaryControl {
  readonly node = document.createElement('section');

  /** `actions` null: the weights and chart only (a user who may not deploy). */
  constructor(steps: number[], actions: ICanaryActions | null) {
    this.node.className = 'isshoni-DeployCanary';
    const title = document.createElement('h3');
    title.textContent = 'Canary (blue/green)';
    this._weights = document.createElement('div');
    this._weights.className = 'isshoni-DeployCanary-weights';
    this._chart = document.createElement('div');
    this._actions = document.createElement('div');
    this._actions.className = 'isshoni-DeployCanary-actions';
    this.node.append(title, this._weights, this._chart, this._actions);
    if (!actions) {
      return;
    }
    for (const green of steps) {
      this._actions.append(
        button({
          className: 'isshoni-DeployCanary-step jp-mod-styled',
          label: `${green}%`,
          title: `Send ${green}% of the traffic to green`,
          onClick: () => actions.step(green)
        })
      );
    }
    const unchecked = document.createElement('input');
    unchecked.type = 'checkbox';
    unchecked.className = 'isshoni-DeployCanary-unchecked';
    const label = document.createElement('label');
    label.title = 'The walk refuses a step whose health or alarms could not be checked (the sandbox checks neither) unless this is on';
    label.append(unchecked, ' accept unchecked steps');
    this._actions.append(
      button({
        className: 'isshoni-DeployCanary-auto jp-mod-styled jp-mod-accept',
        label: 'Auto',
        title: `Walk ${steps.join(' → ')} % green, checking each step`,
        onClick: () => actions.walk(unchecked.checked)
      }),
      label,
      button({
        className: 'isshoni-DeployCanary-rollback jp-mod-styled jp-mod-warn',
        label: 'Rollback',
        title: 'All traffic back to blue at once',
        onClick: () => actions.rollback()
      })
    );
  }

  update(state: IDeployment, canAct: boolean, busy: boolean): void {
    this.node.hidden = !(state.deployed && state.canary);
    const w = state.weights;
    this._weights.textContent = w ? `now ${w.blue}% blue / ${w.green}% green` : 'weights unknown';
    this._chart.replaceChildren(weightsChart(state.history, w));
    this._actions.hidden = !canAct;
    for (const control of Array.from(this._actions.querySelectorAll<HTMLButtonElement | HTMLInputElement>('button, input'))) {
      control.disabled = busy;
    }
  }

  private _weights: HTMLDivElement;
  private _chart: HTMLDivElement;
  private _actions: HTMLDivElement;
}
