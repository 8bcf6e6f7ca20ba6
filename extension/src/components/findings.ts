/**
 * The findings panel ("Findings" tab) and the checks behind it.  Fast checks
 * (Isshoni's graph rules and cfn-lint) run by themselves ~1.5 s after the
 * design last changed; the full check (also terraform validate and checkov,
 * slow) runs on the Check button.  Results are kept per tool with the design
 * version they were made for, so an old answer never overwrites a newer one
 * and a slow tool's results from before later edits are shown as such.
 * `ctx.setFindings` publishes them (the canvas draws badges from there).
 */

import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { ApiError, check } from '../api';
import { DesignContext } from '../context';
import { button } from './dom';
import { IFinding } from '../types';
import { IInfraChanges } from '../yinfra';
import { designFingerprint, touchesDesign } from './code-fingerprint';
import { renderFindings } from './findings-list';

export const FAST_TOOLS = ['isshoni', 'cfn-lint'];
export const ALL_TOOLS = ['isshoni', 'cfn-lint', 'terraform', 'checkov'];

const DEBOUNCE_MS = 1500;
const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1, info: 2 };

export function sortFindings(findings: IFinding[]): IFinding[] {
  return [...findings].sort(
    (a, b) =>
      (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3) ||
      a.tool.localeCompare(b.tool) ||
      (a.resource ?? '').localeCompare(b.resource ?? '') ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message)
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface IToolResult {
  version: number;
  findings: IFinding[];
}

export class FindingsPanel extends Widget {
  constructor(readonly ctx: DesignContext) {
    super();
    this.addClass('isshoni-FindingsPanel');
    this.title.label = 'Findings';
    this.title.caption = 'Problems found by the checks';

    const bar = document.createElement('div');
    bar.className = 'isshoni-FindingsPanel-toolbar';
    const check = button({
      className: 'isshoni-FindingsPanel-check jp-mod-styled jp-mod-accept',
      label: 'Check',
      title: 'Run every check: Isshoni rules, cfn-lint, terraform validate and checkov (takes a while)',
      onClick: () => void this.runFull()
    });
    this._button = check;
    const status = document.createElement('span');
    status.className = 'isshoni-FindingsPanel-status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    this._status = status;
    bar.append(check, status);

    const error = document.createElement('div');
    error.className = 'isshoni-FindingsPanel-error';
    error.setAttribute('role', 'alert');
    error.hidden = true;
    this._error = error;

    const summary = document.createElement('div');
    summary.className = 'isshoni-FindingsPanel-summary';
    this._summary = summary;

    const list = document.createElement('ul');
    list.className = 'isshoni-FindingsPanel-list';
    list.addEventListener('click', this._onClick);
    list.addEventListener('keydown', this._onKey);
    this._list = list;

    this.node.append(bar, error, summary, list);
    this._fingerprint = designFingerprint(ctx.doc);
    ctx.doc.changed.connect(this._onChanged, this);
    this._render();
    // First look as soon as the design is open (the canvas shows the badges).
    this._timer = window.setTimeout(() => void this.runFast(), 300);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    window.clearTimeout(this._timer);
    this.ctx.doc.changed.disconnect(this._onChanged, this);
    super.dispose();
  }

  /**
   * The fast checks (run by themselves after changes): one request per tool,
   * so Isshoni's rules (milliseconds) do not wait for cfn-lint (seconds).
   */
  async runFast(): Promise<void> {
    await Promise.all(FAST_TOOLS.map(tool => this._run([tool])));
  }

  /**
   * Every check, including the slow ones, in the background: one request per tool, so each
   * tool's findings show as soon as it finishes and the status says which are still running.
   */
  async runFull(): Promise<void> {
    this._fullTools = new Set(ALL_TOOLS);
    this._render();
    await Promise.all(
      ALL_TOOLS.map(tool =>
        this._run([tool], true).finally(() => {
          this._fullTools.delete(tool);
          if (!this.isDisposed) {
            this._render();
          }
        })
      )
    );
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._render();
  }

  private _onChanged(_: unknown, changes: IInfraChanges): void {
    if (!touchesDesign(changes)) {
      return;
    }
    const fingerprint = designFingerprint(this.ctx.doc);
    if (fingerprint === this._fingerprint) {
      return; // a move: nothing the checks look at
    }
    this._fingerprint = fingerprint;
    this._version++;
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(() => void this.runFast(), DEBOUNCE_MS);
    if (this._current().length !== this.ctx.findings.length) {
      this._publish(); // findings of removed items go
    }
    this._render(); // labels in the list, stale marks
  }

  private async _run(tools: string[], partOfFull = false): Promise<void> {
    window.clearTimeout(this._timer);
    const version = this._version;
    const full = partOfFull || tools.some(t => !FAST_TOOLS.includes(t));
    const run = ++this._runs;
    this._running.set(run, full);
    this._render();
    try {
      let findings: IFinding[];
      let blocked = false;
      try {
        findings = (await check(this.ctx.path, tools)).findings ?? [];
      } catch (error) {
        // An invalid design (400 with problems) cannot be compiled, so the
        // tools cannot run: its problems are the findings (badges included).
        if (!(error instanceof ApiError && error.status === 400 && error.problems.length)) {
          throw error;
        }
        blocked = true;
        findings = (tools.includes('isshoni') ? error.problems : []).map(p => ({
          tool: 'isshoni',
          rule: 'invalid-design',
          severity: 'error',
          message: p.message,
          resource: p.resource ?? null,
          location: p.path
        }));
      }
      if (this.isDisposed) {
        return;
      }
      const byTool = new Map<string, IFinding[]>(tools.map(t => [t, []]));
      for (const finding of findings) {
        const list = byTool.get(finding.tool);
        if (list) {
          list.push(finding);
        } else {
          // a tool the request did not name (should not happen): keep it with the first
          byTool.get(tools[0])!.push(finding);
        }
      }
      for (const [tool, list] of byTool) {
        const before = this._results.get(tool);
        if (!before || before.version <= version) {
          this._results.set(tool, { version, findings: list });
        }
      }
      if (version >= this._blockedVersion) {
        this._blockedVersion = version;
        this._blocked = blocked;
      }
      if (version >= this._errorVersion) {
        this._errorMessage = null;
      }
      this._checkedAt = new Date();
      this._lastFull = full;
      this._publish();
    } catch (error) {
      if (this.isDisposed) {
        return;
      }
      if (version >= this._errorVersion) {
        this._errorVersion = version;
        const message = error instanceof Error ? error.message : String(error);
        const problems = error instanceof ApiError ? error.problems : [];
        this._errorMessage = [
          message,
          ...problems.map(p => (p.path ? `${p.path}: ${p.message}` : p.message))
        ].join('\n');
      }
    } finally {
      this._running.delete(run);
      if (!this.isDisposed) {
        this._render();
      }
    }
  }

  /** The findings shown and given to the canvas: every tool's latest, for what still exists. */
  private _current(): { finding: IFinding; stale: boolean }[] {
    const doc = this.ctx.doc;
    const out: { finding: IFinding; stale: boolean }[] = [];
    for (const [tool, result] of this._results) {
      // fast tools catch up by themselves within seconds: not worth a mark
      const stale = result.version < this._version && !FAST_TOOLS.includes(tool);
      for (const finding of result.findings) {
        if (
          finding.resource &&
          !doc.resource(finding.resource) &&
          !doc.connection(finding.resource)
        ) {
          continue; // removed since
        }
        out.push({ finding, stale });
      }
    }
    const order = sortFindings(out.map(o => o.finding));
    const staleOf = new Map(out.map(o => [o.finding, o.stale]));
    return order.map(finding => ({ finding, stale: staleOf.get(finding) ?? false }));
  }

  private _publish(): void {
    this.ctx.setFindings(this._current().map(o => o.finding));
  }

  private _render(): void {
    const current = this._current();
    const counts = { error: 0, warning: 0, info: 0 } as Record<string, number>;
    for (const { finding } of current) {
      counts[finding.severity] = (counts[finding.severity] ?? 0) + 1;
    }
    const total = current.length;
    this.title.label = total ? `Findings (${total})` : 'Findings';
    this.title.caption = `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`;
    this.title.className = counts.error
      ? 'isshoni-mod-errors'
      : counts.warning
        ? 'isshoni-mod-warnings'
        : '';

    // toolbar
    const running = [...this._running.values()];
    const fullRunning = running.some(Boolean);
    this._button.disabled = fullRunning;
    this._button.textContent = fullRunning ? 'Checking…' : 'Check';
    if (fullRunning) {
      const done = ALL_TOOLS.filter(tool => !this._fullTools.has(tool));
      this._status.textContent =
        `checking: ${ALL_TOOLS.length - this._fullTools.size} of ${ALL_TOOLS.length} tools done` +
        (done.length ? ` (${done.join(', ')})` : '') +
        ` — still running: ${[...this._fullTools].join(', ')}…`;
    } else if (running.length) {
      this._status.textContent = 'checking…';
    } else if (this._checkedAt) {
      const t = this._checkedAt;
      const hhmm = `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}`;
      this._status.textContent = `checked at ${hhmm}${this._lastFull ? '' : ' (fast checks)'}`;
      this._status.title = t.toISOString();
    } else {
      this._status.textContent = '';
    }
    this.node.classList.toggle('isshoni-mod-busy', running.length > 0);

    this._error.hidden = this._errorMessage === null;
    this._error.textContent =
      this._errorMessage === null ? '' : `The checks failed: ${this._errorMessage}`;

    // summary
    if (!this._results.size) {
      this._summary.textContent = running.length ? 'Checking the design…' : 'Not checked yet.';
    } else if (!total && this._fullTools.size) {
      this._summary.textContent = `No findings so far; ${plural(this._fullTools.size, 'tool')} still running.`;
    } else if (!total) {
      this._summary.textContent = '✓ No findings.';
    } else {
      this._summary.textContent = `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`;
    }
    const staleTools = [...this._results.entries()]
      .filter(([tool, r]) => r.version < this._version && !FAST_TOOLS.includes(tool))
      .map(([tool]) => tool);
    if (this._blocked) {
      const note = document.createElement('div');
      note.className = 'isshoni-FindingsPanel-note';
      note.textContent =
        'The design has problems: the other checks run once they are fixed.';
      this._summary.appendChild(note);
    }
    if (staleTools.length) {
      const note = document.createElement('div');
      note.className = 'isshoni-FindingsPanel-note';
      note.textContent = `${staleTools.join(' and ')}: from the last full check, before later edits (press Check to run them again).`;
      this._summary.appendChild(note);
    }
    this._summary.classList.toggle('isshoni-mod-clean', !!this._results.size && !total && !this._fullTools.size);

    // list
    this._list.replaceChildren(...renderFindings(this.ctx.doc, current));
  }

  private _select(target: EventTarget | null): void {
    const li = (target as HTMLElement | null)?.closest?.('.isshoni-Finding, .isshoni-FindingGroup') as
      | HTMLElement
      | null;
    const id = li?.dataset.resource;
    if (id && (this.ctx.doc.resource(id) || this.ctx.doc.connection(id))) {
      this.ctx.focus(id); // selected, centred and zoomed until readable
    }
  }

  private _onClick = (event: MouseEvent): void => {
    this._select(event.target);
  };

  private _onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this._select(event.target);
    }
  };

  private _fullTools = new Set<string>(); // tools of the running full check not finished yet
  private _button: HTMLButtonElement;
  private _status: HTMLElement;
  private _error: HTMLElement;
  private _summary: HTMLElement;
  private _list: HTMLUListElement;
  private _timer = 0;
  private _fingerprint: string;
  private _version = 0;
  private _runs = 0;
  private _running = new Map<number, boolean>();
  private _results = new Map<string, IToolResult>();
  private _checkedAt: Date | null = null;
  private _lastFull = false;
  private _errorMessage: string | null = null;
  private _errorVersion = -1;
  private _blocked = false;
  private _blockedVersion = -1;
}
