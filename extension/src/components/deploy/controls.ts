/** Target and engine pickers and the Preview / Deploy / Check drift / Destroy buttons (only for users who may deploy). */

import { button } from '../dom';

export interface IDeployActions {
  preview(target: string, engine: string): void;
  deploy(target: string, engine: string): void;
  destroy(target: string): void;
  drift(target: string): void;
}

function picker(name: string, values: string[]): HTMLSelectElement {
  const select = document.createElement('select');
  select.className = `isshoni-DeployControls-${name}`;
  select.setAttribute('aria-label', name);
  for (const value of values) {
    select.append(new Option(value, value));
  }
  return select;
}

export class DeployControls {
  readonly node = document.createElement('section');

  constructor(targets: string[], engines: string[], actions: IDeployActions) {
    this.node.className = 'isshoni-DeployControls';
    this._target = picker('target', targets);
    this._engine = picker('engine', engines);
    const label = (text: string, control: HTMLElement) => {
      const l = document.createElement('label');
      l.append(text, control);
      return l;
    };
    this._buttons = [
      button({
        className: 'isshoni-DeployControls-preview jp-mod-styled',
        label: 'Preview',
        title: "Show what a deploy would change (the engine's own plan or change set), changing nothing",
        onClick: () => actions.preview(this._target.value, this._engine.value)
      }),
      button({
        className: 'isshoni-DeployControls-deploy jp-mod-styled jp-mod-accept',
        label: 'Deploy',
        title: 'Deploy or update the design on the chosen target',
        onClick: () => actions.deploy(this._target.value, this._engine.value)
      }),
      button({
        className: 'isshoni-DeployControls-drift jp-mod-styled',
        label: 'Check drift',
        title: 'Compare what runs with the design: settings changed outside Isshoni, resources deleted, unmanaged ones',
        onClick: () => actions.drift(this._target.value)
      }),
      button({
        className: 'isshoni-DeployControls-destroy jp-mod-styled jp-mod-warn',
        label: 'Destroy…',
        title: 'Delete everything deployed from this design (asks you to type its name)',
        onClick: () => actions.destroy(this._target.value)
      })
    ];
    this.node.append(label('Target ', this._target), label('Engine ', this._engine), ...this._buttons);
  }

  /** While a job runs nothing starts; drift and Destroy need a deployment, a deployed engine stays chosen. */
  update(busy: boolean, deployed: boolean, engine: string | null): void {
    for (const b of this._buttons) {
      b.disabled = busy;
    }
    this._buttons[2].disabled = busy || !deployed; // drift needs a deployment
    this._buttons[3].disabled = busy || !deployed;
    this._engine.disabled = busy || deployed;
    if (deployed && engine) {
      this._engine.value = engine;
    }
  }

  private _target: HTMLSelectElement;
  private _engine: HTMLSelectElement;
  private _buttons: HTMLButtonElement[];
}
