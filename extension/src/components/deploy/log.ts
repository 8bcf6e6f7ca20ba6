/**
 * The job's log in the deploy panel: what it is, who started it, where it
 * stands, and its events as they arrive.  Records keep their newest events;
 * the log keeps every one it has seen while open, so it grows as the job runs.
 */

import { describeJob, IJobEvent, IJobRecord } from './records';

const KEEP = 400;

export class JobLog {
  readonly node = document.createElement('section');

  constructor() {
    this.node.className = 'isshoni-DeployLog';
    this._head = document.createElement('div');
    this._head.className = 'isshoni-DeployLog-head';
    this._head.setAttribute('role', 'status');
    this._head.setAttribute('aria-live', 'polite');
    this._detail = document.createElement('div');
    this._detail.className = 'isshoni-DeployLog-detail';
    this._list = document.createElement('ol');
    this._list.className = 'isshoni-DeployLog-events';
    this.node.append(this._head, this._detail, this._list);
    this.update(null);
  }

  update(job: IJobRecord | null): void {
    if (!job) {
      this._head.textContent = 'No deploy yet.';
      this._head.dataset.state = '';
      this._detail.textContent = '';
      this._list.replaceChildren();
      this._job = null;
      return;
    }
    if (job.id !== this._job) {
      this._job = job.id;
      this._seen.clear();
      this._list.replaceChildren();
    }
    this._head.dataset.state = job.state;
    const nodes = Object.values(job.nodes ?? {});
    const done = nodes.filter(s => s === 'done' || s === 'deleted').length;
    const counted = nodes.filter(s => s !== 'skipped').length;
    const progress = counted && job.state === 'running' ? ` (${done} of ${counted} resources)` : '';
    const tail = job.error && job.state !== 'succeeded' ? job.error : job.summary ?? '';
    this._head.textContent = `${describeJob(job)}${progress}`;
    this._detail.textContent = tail;
    for (const event of job.events ?? []) {
      this._add(event);
    }
  }

  private _add(event: IJobEvent): void {
    const key = `${event.at}|${event.type}|${event.message}`;
    if (this._seen.has(key)) {
      return;
    }
    this._seen.add(key);
    const item = document.createElement('li');
    item.className = `isshoni-DeployLog-event isshoni-mod-${event.type}`;
    const time = event.t === null || event.t === undefined ? '' : `${Number(event.t).toFixed(1)} s `;
    item.textContent = `${time}${event.type}: ${event.message}`;
    this._list.append(item);
    while (this._list.childElementCount > KEEP) {
      this._list.firstElementChild!.remove();
    }
    item.scrollIntoView?.({ block: 'nearest' });
  }

  private _head: HTMLDivElement;
  private _detail: HTMLDivElement;
  private _list: HTMLOListElement;
  private _job: string | null = null;
  private _seen = new Set<string>();
}
