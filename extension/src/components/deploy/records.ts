/**
 * What the deploy panel and the canvas overlay read: the design's `deployments`
 * records, the one source of truth every collaborator shares.  Pure functions,
 * no DOM: a record written by whoever started the job (a canvas, a notebook,
 * the CLI) is read the same way.
 */

export type NodeStatus = 'pending' | 'creating' | 'done' | 'failed' | 'deleting' | 'deleted' | 'skipped';

export interface IJobEvent {
  t?: number | null;
  at?: string;
  type: string;
  message: string;
  resource?: string;
  status?: string;
}

export interface IJobRecord {
  id: string;
  kind: string;
  state: string;
  outcome?: string;
  target?: string;
  engine?: string;
  created?: string;
  finished?: string | null;
  summary?: string;
  error?: string | null;
  warnings?: string[];
  by?: string;
  events?: IJobEvent[];
  events_total?: number;
  result?: Record<string, any>;
  nodes?: Record<string, NodeStatus>;
}

export interface IWeights {
  blue: number;
  green: number;
}

/** The deployment as the records tell it, oldest job to newest. */
export interface IDeployment {
  deployed: boolean;
  target: string | null;
  engine: string | null;
  outputs: Record<string, unknown>;
  /** Whether the last deploy made a blue/green canary. */
  canary: boolean;
  weights: IWeights | null;
  /** Green % after each deploy, canary step and rollback, oldest first (the chart). */
  history: number[];
}

export const ACTIVE = new Set(['queued', 'running']);
const DEPLOYS = new Set(['deploy', 'update']);

/** Every job record, newest first. */
export function jobList(deployments: Record<string, any>): IJobRecord[] {
  const list = Object.entries(deployments ?? {})
    .filter(([, r]) => r && typeof r === 'object')
    .map(([id, r]) => ({ ...(r as IJobRecord), id }));
  return list.sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '') || b.id.localeCompare(a.id));
}

/** The job running now, if any. */
export function activeJob(jobs: IJobRecord[]): IJobRecord | null {
  return jobs.find(j => ACTIVE.has(j.state)) ?? null;
}

/** The newest deploy or destroy: its per-node progress is what the canvas draws. */
export function progressJob(jobs: IJobRecord[]): IJobRecord | null {
  return jobs.find(j => DEPLOYS.has(j.kind) || j.kind === 'destroy') ?? null;
}

function weightsOf(value: any): IWeights | null {
  const blue = Number(value?.blue);
  const green = Number(value?.green);
  return Number.isFinite(blue) && Number.isFinite(green) ? { blue, green } : null;
}

/** Replay the finished jobs, oldest first, into what is deployed now. */
export function deployment(jobs: IJobRecord[]): IDeployment {
  const state: IDeployment = {
    deployed: false, target: null, engine: null, outputs: {}, canary: false, weights: null, history: []
  };
  for (const job of [...jobs].reverse()) {
    if (job.state !== 'succeeded' && !(job.kind === 'canary' && job.state === 'rolled_back')) {
      continue;
    }
    const result = job.result ?? {};
    if (DEPLOYS.has(job.kind)) {
      Object.assign(state, { deployed: true, target: job.target ?? null, engine: job.engine ?? null });
      state.outputs = result.outputs ?? {};
      const first = Object.values(result.canary ?? {})[0];
      state.canary = first !== undefined;
      state.weights = weightsOf(first) ?? state.weights;
      if (state.weights) {
        state.history.push(state.weights.green);
      }
    } else if (job.kind === 'destroy') {
      Object.assign(state, { deployed: false, outputs: {}, canary: false, weights: null, history: [] });
    } else if (job.kind === 'canary' || job.kind === 'rollback') {
      for (const step of result.steps ?? []) {
        state.history.push(Number(step.green));
      }
      state.weights = weightsOf(result.weights) ?? state.weights;
      if (job.kind === 'rollback' || job.state === 'rolled_back') {
        state.history.push(0);
      }
    }
  }
  return state;
}

/** A job as one line: what, state, who, when. */
export function describeJob(job: IJobRecord): string {
  const who = job.by ? ` by ${job.by}` : '';
  const where = job.target ? ` to ${job.target}${job.engine ? ` (${job.engine})` : ''}` : '';
  return `${job.kind}${where}${who}: ${job.outcome ?? job.state}`;
}
