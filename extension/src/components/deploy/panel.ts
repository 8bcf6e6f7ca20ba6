/**
 * The Deploy tab: target and engine, a preview of the change, deploy,
 * destroy, the canary, the job's log and the outputs.  Everything shown comes
 * from the design's `deployments` records (the shared document), so a
 * collaborator who did not start the job sees the same progress; the buttons
 * only ask the server to start jobs.  A user the server does not let deploy
 * sees the progress, the log and the outputs, and no buttons.
 */

import { Widget } from '@lumino/widgets';

import { ApiError } from '../../api';
import { DesignContext } from '../../context';
import { IInfraChanges } from '../../yinfra';
import * as api from './api';
import { CanaryControl } from './canary';
import { confirmDestroy } from './confirm';
import { DeployControls } from './controls';
import { DriftView } from './drift-view';
import { JobLog } from './log';
import { OutputsView } from './outputs';
import { PreviewView } from './preview-view';
import { activeJob, deployment, jobList } from './records';

export class DeployPanel extends Widget {
  constructor(readonly ctx: DesignContext) {
    super();
    this.addClass('isshoni-DeployPanel');
    this.id = `isshoni-deploy-${Math.random().toString(36).slice(2)}`;
    this.title.label = 'Deploy';
    this.title.caption = 'Deploy the design, follow the job, walk the canary';
    this._note = document.createElement('p');
    this._note.className = 'isshoni-DeployPanel-note';
    this._error = document.createElement('div');
    this._error.className = 'isshoni-DeployPanel-error';
    this._error.setAttribute('role', 'alert');
    this._error.hidden = true;
    this._controlsSlot = document.createElement('div');
    this._canarySlot = document.createElement('div');
    // what a person acts on and reads first (the canary, the outputs) above the job's log
    this._drift = new DriftView(ctx, { reapply: () => this._reapply() });
    this.node.append(this._note, this._controlsSlot, this._error, this._preview.node, this._drift.node, this._canarySlot,
      this._outputs.node, this._log.node);
    ctx.doc.changed.connect(this._onChange, this);
    this._refresh();
    void api.me().then(
      me => this._permit(me),
      error => this._permit({ name: '', can_deploy: false, targets: [], engines: [], canary_steps: [] }, `${error}`)
    );
  }

  /** Whether this user may start jobs (as the server said). */
  get canDeploy(): boolean {
    return this._me?.can_deploy ?? false;
  }

  dispose(): void {
    this.ctx.doc.changed.disconnect(this._onChange, this);
    this._drift.dispose();
    super.dispose();
  }

  private _permit(me: api.IMe, why = ''): void {
    this._me = me;
    if (me.can_deploy) {
      this._controls = new DeployControls(me.targets, me.engines, {
        preview: (target, engine) => void this._previewRun(target, engine),
        deploy: (target, engine) => {
          this._preview.hide(); // what it showed is about to be deployed or outdated
          void this._run(() => api.deploy(this.ctx.path, target, engine));
        },
        destroy: target => void this._destroy(target),
        drift: target => void this._driftRun(target)
      });
      this._controlsSlot.replaceChildren(this._controls.node);
    }
    this._canary = new CanaryControl(me.canary_steps.length ? me.canary_steps : [10, 50, 90, 100], me.can_deploy ? {
      step: green => void this._run(() => api.canaryStep(this.ctx.path, this._target(), green)),
      walk: accept => void this._run(() => api.canaryWalk(this.ctx.path, this._target(), accept)),
      rollback: () => void this._run(() => api.rollback(this.ctx.path, this._target()))
    } : null);
    this._canarySlot.replaceChildren(this._canary.node);
    this._note.textContent = me.can_deploy ? '' : `You can follow deploys here; starting one needs the deployer role${why ? ` (${why})` : ''}.`;
    this._note.hidden = me.can_deploy;
    this._refresh();
  }

  private _target(): string {
    return deployment(jobList(this.ctx.doc.deployments)).target ?? 'sandbox';
  }

  private async _run(start: () => Promise<unknown>): Promise<void> {
    this._error.hidden = true;
    this._starting = true;
    this._refresh();
    try {
      await start();
    } catch (error) {
      this._showError(error);
    } finally {
      this._starting = false;
      this._refresh();
    }
  }

  private async _previewRun(target: string, engine: string): Promise<void> {
    this._preview.busy(`Asking ${engine} what a deploy to ${target} would change…`);
    await this._run(async () => {
      try {
        this._preview.show(await api.preview(this.ctx.path, target, engine));
      } catch (error) {
        this._preview.hide();
        throw error;
      }
    });
  }

  private async _driftRun(target: string): Promise<void> {
    this._drift.busy(`Comparing what runs on ${target} with the design…`);
    await this._run(async () => {
      try {
        this.ctx.setDrift(await api.drift(this.ctx.path, target));
      } catch (error) {
        this._drift.hide();
        throw error;
      }
    });
  }

  /** Deploy again with the deployment's target and engine: what runs is made to match the design. */
  private _reapply(): void {
    const state = deployment(jobList(this.ctx.doc.deployments));
    this.ctx.setDrift(null); // what it showed is about to change
    void this._run(() => api.deploy(this.ctx.path, state.target ?? 'sandbox', state.engine ?? 'cloudformation'));
  }

  private async _destroy(target: string): Promise<void> {
    const name = this.ctx.doc.meta.name ?? '';
    const typed = await confirmDestroy(name);
    if (typed !== null) {
      this._preview.hide();
      await this._run(() => api.destroy(this.ctx.path, target, typed));
    }
  }

  private _showError(error: unknown): void {
    this._error.textContent = error instanceof ApiError ? error.message : `${error}`;
    this._error.hidden = false;
  }

  private _onChange(_: unknown, changes: IInfraChanges): void {
    if (changes.deploymentsChanged || changes.metaChanged) {
      this._refresh();
    }
  }

  private _refresh(): void {
    const jobs = jobList(this.ctx.doc.deployments);
    const active = activeJob(jobs);
    const state = deployment(jobs);
    const busy = this._starting || active !== null;
    this.node.dataset.busy = String(busy);
    this._log.update(active ?? jobs[0] ?? null);
    this._outputs.update(state.deployed ? state.outputs : {});
    this._controls?.update(busy, state.deployed, state.engine);
    this._canary?.update(state, this.canDeploy, busy);
  }

  private _me: api.IMe | null = null;
  private _starting = false;
  private _note: HTMLParagraphElement;
  private _error: HTMLDivElement;
  private _controlsSlot: HTMLDivElement;
  private _canarySlot: HTMLDivElement;
  private _controls: DeployControls | null = null;
  private _canary: CanaryControl | null = null;
  private _preview = new PreviewView();
  private _drift: DriftView;
  private _log = new JobLog();
  private _outputs = new OutputsView();
}

