/**
 * Counts over time for the progress chart: Temporal answers only "how many now", so the API keeps
 * samples of the campaign-wide overview. Here the embedded default, a JSON-lines file per campaign
 * that outlives the server (a restart continues the curve) and is trimmed to the newest samples;
 * progress-history-postgres.ts keeps them in PostgreSQL for several API replicas.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CampaignOverview } from './visibility.js';
import type { ProgressSample } from '../client/api/wire/progress.js';

export type { ProgressSample };

export interface ProgressHistoryOptions {
  /** Default CAMPAIGN_PROGRESS_DIR, else `.data/progress`. */
  dir?: string;
  /** At most one sample per this many milliseconds; default 60 s. */
  intervalMs?: number;
  /** Samples kept per campaign; default 10,000. */
  maxSamples?: number;
  now?: () => number;
}

export function sampleOf(o: CampaignOverview, at: number): ProgressSample {
  return {
    at: new Date(at).toISOString(),
    byStage: Object.fromEntries(o.byStage.map((b) => [b.value, b.count])),
    overdue: o.overdueUnits,
    remedial: o.byRemedialRound.reduce((s, b) => s + b.count, 0),
  };
}

/** What the API needs of a progress store; both stores pass test/unit/api/support/progress-history-contract.ts. */
export interface ProgressStore {
  readonly intervalMs: number;
  /** Records a sample unless one was taken less than `intervalMs` ago (by any replica); true when it did. */
  record(campaignId: string, overview: CampaignOverview): Promise<boolean>;
  /** Oldest first, at most the newest `maxSamples`. */
  samples(campaignId: string): Promise<ProgressSample[]>;
  close(): Promise<void>;
}

interface CampaignState {
  lastAt: number;
  lines: number;
  /** Writes to one file run one after another. */
  queue: Promise<void>;
}

export class ProgressHistory implements ProgressStore {
  readonly dir: string;
  readonly intervalMs: number;
  readonly maxSamples: number;
  private readonly now: () => number;
  private readonly state = new Map<string, Promise<CampaignState>>();

  constructor(o: ProgressHistoryOptions = {}) {
    this.dir = o.dir ?? process.env.CAMPAIGN_PROGRESS_DIR ?? path.join('.data', 'progress');
    this.intervalMs = o.intervalMs ?? 60_000;
    this.maxSamples = o.maxSamples ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  private file(campaignId: string): string {
    // Campaign ids are free text; keep the file name inside the folder.
    return path.join(this.dir, `${encodeURIComponent(campaignId)}.jsonl`);
  }

  private campaign(campaignId: string): Promise<CampaignState> {
    let s = this.state.get(campaignId);
    if (!s) {
      s = this.read(campaignId).then((samples) => ({
        lastAt: samples.length > 0 ? Date.parse(samples.at(-1)!.at) : -Infinity,
        lines: samples.length,
        queue: Promise.resolve(),
      }));
      this.state.set(campaignId, s);
    }
    return s;
  }

  private async read(campaignId: string): Promise<ProgressSample[]> {
    let text: string;
    try {
      text = await readFile(this.file(campaignId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: ProgressSample[] = [];
    // A line cut short by a crash mid-append is skipped, not fatal.
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as ProgressSample);
      } catch {
        continue;
      }
    }
    return out;
  }

  /** Records a sample unless one was taken less than `intervalMs` ago; true when it did. */
  async record(campaignId: string, overview: CampaignOverview): Promise<boolean> {
    const s = await this.campaign(campaignId);
    const at = this.now();
    if (at - s.lastAt < this.intervalMs) return false;
    s.lastAt = at;
    const line = `${JSON.stringify(sampleOf(overview, at))}\n`;
    const write = s.queue.then(() => this.append(campaignId, s, line));
    s.queue = write.catch(() => undefined);
    await write;
    return true;
  }

  private async append(campaignId: string, s: CampaignState, line: string): Promise<void> {
    const file = this.file(campaignId);
    await mkdir(this.dir, { recursive: true });
    await appendFile(file, line);
    s.lines += 1;
    // Trim with some slack so the file is not rewritten on every sample once full.
    if (s.lines > this.maxSamples + Math.max(1, Math.floor(this.maxSamples / 10))) {
      const kept = (await this.read(campaignId)).slice(-this.maxSamples);
      const tmp = `${file}.${randomUUID()}.part`;
      await writeFile(tmp, kept.map((x) => `${JSON.stringify(x)}\n`).join(''));
      await rename(tmp, file);
      s.lines = kept.length;
    }
  }

  async samples(campaignId: string): Promise<ProgressSample[]> {
    const s = await this.campaign(campaignId);
    await s.queue;
    return (await this.read(campaignId)).slice(-this.maxSamples);
  }

  async close(): Promise<void> {
    await Promise.all([...this.state.values()].map(async (s) => (await s).queue));
  }
}
