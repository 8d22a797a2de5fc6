import type { RecordedEvent } from '../envelope/envelope';
import type { EventStore } from '../event-store/event-store';
import { ChainVerifier, metadataWithoutHashes } from '../hash-chain/hash-chain';
import type { EventRegistry } from '../registry/event-registry';
import { appendSizeOf } from './append-size';
import { parseNdjsonLine, recordedFromNdjson, type NdjsonEvent } from './ndjson';
import type { NdjsonLines } from './ndjson-lines';
import { payloadProblem } from './payload-check';

/** Stored events read per round-trip when comparing an import with what the store already holds. */
const COMPARE_PAGE = 1_000;
/** Lines, or stored events, between two progress reports. */
const REPORT_EVERY = 500;

/** A line an import refuses, and every reason why. */
export interface BadImportLine {
  lineNumber: number;
  /** The event's stream and revision, when the line is an envelope. */
  streamId?: string;
  revision?: bigint;
  reason: string;
}

/** What the target store holds of one stream of the input, as found before anything is appended. */
export interface ImportStreamPlan {
  /** The first revision the store does not hold yet (0 for a stream it does not know). */
  readonly targetNext: bigint;
  /** A line broke this stream's chain or order: its later lines are not chain-checked (they would all fail). */
  broken: boolean;
}

/** The result of validating a whole NDJSON input against a target store. */
export interface ImportPlan {
  /** Every bad line, by line number; empty when the input can be imported. */
  badLines: BadImportLine[];
  /** Events not in the store yet. */
  newEvents: number;
  /** Events the store already holds (same id, revision and hash): skipped, so an import can be repeated. */
  present: number;
  /** Per stream of the input, what the store held. */
  streams: ReadonlyMap<string, ImportStreamPlan>;
}

/** How far an import has got: validating the input (bytes), checking ids against the store (positions), appending (events). */
export interface ImportProgress {
  phase: 'validating' | 'checking-ids' | 'appending';
  done: number;
  total: number;
}

/** Options of {@link planImport}. */
export interface PlanImportOptions {
  /** The NDJSON input, one event a line, as `toNdjsonLine` writes them. */
  lines: NdjsonLines;
  /** The store the events would go to. */
  eventStore: EventStore;
  /** The registry payloads are checked against, for their own `schemaVersion`. */
  registry: EventRegistry;
  /** Size of the input in bytes, when known: the total of the `validating` progress. */
  totalBytes?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/** Calls `report` for one value in `every` (and for the first): progress per line would cost more than it shows. */
function everyNth<T>(every: number, report: (value: T) => void): (value: T) => void {
  let count = 0;
  return (value) => {
    if (count++ % every === 0) report(value);
  };
}

/**
 * Validates every line of an NDJSON export against a target store before
 * anything is appended, and says what importing it would do: the envelope;
 * the payload against the registry for its schemaVersion, unchanged by
 * parsing (or its hash would not survive); event ids unique in the input
 * and in the store; per stream, revisions that start at or below the store's
 * next revision and follow on; the hash chains, recomputed by
 * {@link ChainVerifier} from the store's own tip; that the events the
 * store already holds are the same events; and, for a store with a size
 * limit per append (`maxAppendBytes`), that no command's events (consecutive
 * events of a stream with the same `metadata.commandId`) exceed it, since
 * they cannot be split. Appends nothing.
 *
 * Against an empty in-memory store it is a complete offline check of an
 * export, which is how an auditor uses it.
 *
 * @example
 * const plan = await planImport({ lines: ndjsonFileLines('log.ndjson'), eventStore, registry });
 * for (const bad of plan.badLines) console.error(`line ${bad.lineNumber}: ${bad.reason}`);
 * if (plan.badLines.length === 0) await applyImport({ lines: ndjsonFileLines('log.ndjson'), eventStore, plan });
 */
export async function planImport(options: PlanImportOptions): Promise<ImportPlan> {
  const { eventStore, registry } = options;
  const onProgress = options.onProgress ?? (() => undefined);
  const badLines: BadImportLine[] = [];
  const streams = new Map<string, ImportStreamPlan & { stored: Map<bigint, RecordedEvent> }>();
  const verifier = new ChainVerifier();
  const idsInFile = new Map<string, number>();
  const newIds = new Map<string, { lineNumber: number; streamId: string; revision: bigint }>();
  // Streams with a bad line seen before any good one: their order cannot be judged from this input.
  const brokenEarly = new Set<string>();
  let present = 0;

  const planFor = async (streamId: string, firstRevision: bigint, reasons: string[]) => {
    const known = streams.get(streamId);
    if (known) return known;
    const tip = await eventStore.streamRevision(streamId);
    const plan = { targetNext: tip === null ? 0n : tip + 1n, broken: brokenEarly.has(streamId), stored: new Map<bigint, RecordedEvent>() };
    streams.set(streamId, plan);
    if (plan.broken) return plan;
    if (firstRevision > plan.targetNext) {
      reasons.push(`stream ${streamId} starts at revision ${firstRevision} in this file, but the store's next revision of it is ${plan.targetNext}`);
      plan.broken = true;
    } else if (firstRevision > 0n) {
      // The input continues a stream the store holds: its chain goes on from the store's own events.
      for await (const stored of eventStore.readStream(streamId, { maxCount: Number(firstRevision), raw: true })) {
        const broken = verifier.check(stored);
        if (broken) {
          reasons.push(`the store's own stream ${streamId} does not verify at revision ${broken.revision} (${broken.reason}); run thidua audit verify`);
          plan.broken = true;
          break;
        }
      }
    }
    return plan;
  };

  const storedAt = async (streamId: string, plan: { stored: Map<bigint, RecordedEvent> }, revision: bigint) => {
    if (!plan.stored.has(revision)) {
      plan.stored = new Map();
      for await (const stored of eventStore.readStream(streamId, { fromRevision: revision, maxCount: COMPARE_PAGE, raw: true })) {
        plan.stored.set(stored.revision, stored);
      }
    }
    return plan.stored.get(revision);
  };

  // A store with a size limit per append: one command's events go in one append, so they must fit in it.
  const maxBytes = eventStore.capabilities.maxAppendBytes;
  const commands = new Map<string, { commandId: string | undefined; bytes: number; firstLine: number; refused: boolean }>();
  const commandTooLarge = (streamId: string, event: NdjsonEvent, lineNumber: number): string | null => {
    if (maxBytes === undefined) return null;
    const raw = event.metadata['commandId'];
    const commandId = typeof raw === 'string' ? raw : undefined;
    const bytes = appendSizeOf({ type: event.type, data: event.data, metadata: metadataWithoutHashes(event.metadata) });
    let group = commands.get(streamId);
    if (!group || commandId === undefined || group.commandId !== commandId) {
      group = { commandId, bytes: 0, firstLine: lineNumber, refused: false };
      commands.set(streamId, group);
    }
    group.bytes += bytes;
    if (group.bytes <= maxBytes || group.refused) return null;
    group.refused = true;
    const what = commandId === undefined ? 'this event' : `the events of command ${commandId} (from line ${group.firstLine})`;
    return `${what} take about ${group.bytes} bytes, more than the store's limit of ${maxBytes} bytes per append, and one command's events cannot be split`;
  };

  const total = options.totalBytes ?? 0;
  const validating = everyNth(REPORT_EVERY, (bytesRead: number) => onProgress({ phase: 'validating', done: bytesRead, total }));
  for await (const { lineNumber, text, bytesRead } of options.lines()) {
    validating(bytesRead ?? 0);
    if (text.trim() === '') continue;
    const parsed = parseNdjsonLine(text);
    if (!parsed.ok) {
      badLines.push({ lineNumber, reason: parsed.reason, ...(parsed.streamId === undefined ? {} : { streamId: parsed.streamId }) });
      if (parsed.streamId !== undefined) {
        const plan = streams.get(parsed.streamId);
        if (plan) plan.broken = true;
        else brokenEarly.add(parsed.streamId);
      }
      continue;
    }
    const { event, revision } = parsed;
    const reasons: string[] = [];

    const firstSeen = idsInFile.get(event.id);
    if (firstSeen !== undefined) reasons.push(`event id ${event.id} already appears on line ${firstSeen}`);
    else idsInFile.set(event.id, lineNumber);

    const payload = payloadProblem(registry, event.type, event.schemaVersion, event.data);
    if (payload !== null) reasons.push(`event ${event.type}: ${payload}`);

    const plan = await planFor(event.streamId, revision, reasons);
    if (!plan.broken) {
      const broken = verifier.check(recordedFromNdjson(event, revision, BigInt(lineNumber)));
      if (broken) {
        reasons.push(`hash chain of ${event.streamId}: ${broken.reason}; later lines of this stream are not chain-checked`);
        plan.broken = true;
      }
    }

    if (revision < plan.targetNext) {
      const stored = await storedAt(event.streamId, plan, revision);
      if (!stored || stored.id !== event.id || stored.metadata.hash !== event.metadata.hash) {
        reasons.push(`the store already holds a different event at ${event.streamId}@${revision}${stored ? ` (id ${stored.id})` : ''}`);
      } else if (reasons.length === 0) {
        present += 1;
      }
    } else {
      const tooLarge = commandTooLarge(event.streamId, event, lineNumber);
      if (tooLarge !== null) reasons.push(tooLarge);
      if (reasons.length === 0) newIds.set(event.id, { lineNumber, streamId: event.streamId, revision });
    }
    if (reasons.length > 0) badLines.push({ lineNumber, streamId: event.streamId, revision, reason: reasons.join('; ') });
  }

  // Ids are unique store-wide: a new line must not reuse one the store holds elsewhere.
  const head = newIds.size > 0 ? await eventStore.headPosition() : null;
  if (head !== null) {
    const checking = everyNth(REPORT_EVERY, (position: bigint) => onProgress({ phase: 'checking-ids', done: Number(position), total: Number(head) }));
    for await (const stored of eventStore.readAll({ raw: true })) {
      checking(stored.position);
      const line = newIds.get(stored.id);
      if (line !== undefined) {
        badLines.push({ ...line, reason: `event id ${stored.id} is already in the store, at ${stored.streamId}@${stored.revision}` });
        newIds.delete(stored.id);
      }
    }
  }

  badLines.sort((a, b) => a.lineNumber - b.lineNumber);
  const plans = new Map<string, ImportStreamPlan>();
  for (const [streamId, { targetNext, broken }] of streams) plans.set(streamId, { targetNext, broken });
  return { badLines, newEvents: newIds.size, present, streams: plans };
}
