import type { NewEvent } from '../envelope/envelope';
import { CorruptLogError } from '../errors/errors';
import type { EventStore } from '../event-store/event-store';
import { metadataWithoutHashes } from '../hash-chain/hash-chain';
import { appendSizeOf, splitAppendBatches } from './append-batches';
import { parseNdjsonLine } from './ndjson';
import type { NdjsonLines } from './ndjson-lines';
import type { ImportPlan, ImportProgress } from './plan-import';

/** Events appended per call at most: an import of one huge stream still commits in bounded transactions. */
const MAX_EVENTS_PER_APPEND = 500;

/** Options of {@link applyImport}. */
export interface ApplyImportOptions {
  /** The same input that {@link planImport} validated. */
  lines: NdjsonLines;
  eventStore: EventStore;
  /** The plan of that input: it must have no bad line. */
  plan: ImportPlan;
  /** Called after each append, with the events appended so far. */
  onProgress?: (progress: ImportProgress) => void;
}

/** What {@link applyImport} appended. */
export interface ImportResult {
  appended: number;
  streams: number;
}

/**
 * Appends the new events of a validated input, in its order: each run of
 * consecutive lines of one stream is appended in atomic appends of at most
 * 500 events, and of at most the store's `maxAppendBytes` when it declares
 * one, never splitting one command's events, each with its exact expected
 * revision, so the global interleaving is kept and a
 * concurrent writer makes the import stop with a `concurrency` error instead
 * of forking a stream. Ids, metadata and payloads are passed as they are, so
 * the store recomputes the very hashes of the input; any difference is a
 * `corrupt_log` error. Events the store already held are skipped, so an
 * import that stopped half-way can simply be run again.
 */
export async function applyImport(options: ApplyImportOptions): Promise<ImportResult> {
  const { eventStore, plan } = options;
  if (plan.badLines.length > 0) {
    throw new CorruptLogError('(import)', null, `the input has ${plan.badLines.length} bad lines: nothing may be appended`);
  }
  const onProgress = options.onProgress ?? (() => undefined);
  const maxBytes = eventStore.capabilities.maxAppendBytes;
  let appended = 0;
  const touched = new Set<string>();
  type Item = { event: NewEvent; revision: bigint; lineNumber: number; hash: string };
  let run: { streamId: string; items: Item[]; bytes: number } | null = null;

  const appendBatch = async (streamId: string, items: readonly Item[]) => {
    const first = items[0]!.revision;
    const events = items.map((item) => item.event);
    const result = await eventStore.appendToStream(streamId, events, { expectedRevision: first === 0n ? 'no_stream' : first - 1n });
    result.events.forEach((recorded, index) => {
      const line = items[index];
      if (!line || recorded.metadata.hash !== line.hash) {
        throw new CorruptLogError(
          streamId,
          recorded.revision,
          `the store recorded hash ${recorded.metadata.hash} for line ${line?.lineNumber ?? '?'}, whose hash is ${line?.hash ?? 'unknown'}`,
        );
      }
    });
    if (!result.alreadyAppended) {
      appended += result.events.length;
      touched.add(streamId);
    }
    // One report per append call: cheap next to the commit it follows.
    onProgress({ phase: 'appending', done: appended, total: plan.newEvents });
  };

  /**
   * Appends the run in batches the store accepts (see `splitAppendBatches`). With `all` false the
   * last batch stays pending: the next line may belong to the same command, whose events must go
   * in one append.
   */
  const flush = async (all: boolean) => {
    if (!run) return;
    const { streamId } = run;
    const batches = splitAppendBatches(run.items, { streamId, maxEvents: MAX_EVENTS_PER_APPEND, maxBytes, eventOf: (item) => item.event });
    const kept = all ? undefined : batches.pop();
    for (const batch of batches) await appendBatch(streamId, batch);
    run = kept ? { streamId, items: kept, bytes: maxBytes === undefined ? 0 : kept.reduce((sum, item) => sum + appendSizeOf(item.event), 0) } : null;
  };

  for await (const { lineNumber, text } of options.lines()) {
    if (text.trim() === '') continue;
    const parsed = parseNdjsonLine(text);
    const streamPlan = parsed.ok ? plan.streams.get(parsed.event.streamId) : undefined;
    if (!parsed.ok || !streamPlan) {
      throw new CorruptLogError('(import)', null, `line ${lineNumber} changed after it was validated`);
    }
    const { event, revision } = parsed;
    if (revision < streamPlan.targetNext) continue;
    if (run && run.streamId !== event.streamId) await flush(true);
    const item: Item = {
      event: {
        id: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
        metadata: metadataWithoutHashes(event.metadata),
      },
      revision,
      lineNumber,
      hash: event.metadata.hash,
    };
    run ??= { streamId: event.streamId, items: [], bytes: 0 };
    const previous = run.items[run.items.length - 1];
    run.items.push(item);
    if (maxBytes !== undefined) run.bytes += appendSizeOf(item.event);
    // Bounded memory: append what is complete once a batch's worth is pending, at a command's start
    // only (inside one command nothing can be appended yet, so splitting again there is wasted work).
    const commandOf = (pending: Item | undefined) => pending?.event.metadata?.['commandId'];
    const startsCommand = commandOf(item) === undefined || commandOf(item) !== commandOf(previous);
    const full = run.items.length > MAX_EVENTS_PER_APPEND || (maxBytes !== undefined && run.bytes > maxBytes);
    if (full && startsCommand) await flush(false);
  }
  await flush(true);
  return { appended, streams: touched.size };
}
