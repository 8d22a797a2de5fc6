/**
 * Plain-JS baselines of the scale figures, on the very NDJSON file the
 * store imports: what reading it costs at least.
 */
import * as cryptoModule from 'node:crypto';
import { foldStandings, readNdjson } from '../baselines';
import { stats } from '../measure';
import { result, type FigureResult } from '../report';
import { describeScale, type ScaleHistory } from './scale-history';

function sha256Hex(text: string): string {
  const oneShot = (cryptoModule as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
  return oneShot ? oneShot('sha256', text, 'hex') : cryptoModule.createHash('sha256').update(text).digest('hex');
}

/** The scale baselines, each measured once per store's file (one run: the file may be large). */
export class ScaleBaselines {
  readonly results: FigureResult[] = [];
  /** Measured on the first store's export: every store's export holds the same events (only `recordedAt` differs). */
  private readonly known = new Map<string, FigureResult>();

  constructor(private readonly history: ScaleHistory) {}

  private get size(): string {
    return `${describeScale(this.history.size)} (${this.history.eventCount} events)`;
  }

  /**
   * Read + parse every line, then a SHA-256 chain over each event's
   * `JSON.stringify`: the least an import that verifies its input does,
   * without schemas, ids, revisions or writes.
   */
  async importFloor(path: string): Promise<FigureResult> {
    const known = this.known.get('import');
    if (known) return known;
    const started = performance.now();
    const events = readNdjson(path);
    const tips = new Map<string, string>();
    for (const event of events) {
      const hash = sha256Hex(`${tips.get(event.streamId) ?? ''}\n${JSON.stringify({ streamId: event.streamId, type: event.type, data: event.data, metadata: event.metadata })}`);
      tips.set(event.streamId, hash);
    }
    return this.push('import', 'scale-parse-hash-ndjson', 'NDJSON read + JSON.parse + a SHA-256 chain over JSON.stringify of each event', events.length, performance.now() - started);
  }

  /** Read + parse every line + the standings fold: the floor of a rebuild. */
  async fold(path: string): Promise<FigureResult> {
    const known = this.known.get('fold');
    if (known) return known;
    const started = performance.now();
    const events = readNdjson(path);
    foldStandings(events);
    return this.push('fold', 'scale-fold-ndjson', 'NDJSON read + JSON.parse + standings fold', events.length, performance.now() - started);
  }

  private push(key: string, figure: string, label: string, count: number, ms: number): FigureResult {
    const measured = result({ store: 'baseline', figure, label, size: this.size, unit: 'events/s', better: 'higher' }, stats([(count * 1_000) / ms]));
    this.results.push(measured);
    this.known.set(key, measured);
    return measured;
  }
}
