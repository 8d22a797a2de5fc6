import { CorruptLogError } from '../errors/errors';
import { isThiduaError } from '../errors/thidua-error';
import type { AppendResult, EventStore } from '../event-store/event-store';
import { metadataWithoutHashes } from '../hash-chain/hash-chain';
import { parseNdjsonLine } from './ndjson';
import { ImportBatches, type ImportCommand, type ImportRequest } from './import-batches';
import type { NdjsonLines } from './ndjson-lines';
import type { ImportPlan, ImportProgress } from './plan-import';

/** Events per append at most on a store without a multi-stream append: an import of one huge stream still commits in bounded transactions. */
const MAX_EVENTS_PER_APPEND = 500;
/**
 * Events per multi-stream append: thousands of lines per commit, where one
 * commit per stream run made an interleaved export import at about one
 * commit per event; still bounded, so one transaction stays a few megabytes.
 */
const MAX_EVENTS_PER_BATCH = 5_000;

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
 * Appends the new events of a validated input, in its order. On a store
 * with an atomic multi-stream append (`multiStreamAppend`), up to 5 000
 * events of many streams go in one `appendToStreams` call, each run of
 * consecutive lines of one stream a request with its exact expected
 * revision, in file order, so the global interleaving is kept; elsewhere
 * each run is its own append (at most 500 events). Where the store declares
 * `maxAppendBytes` (EventStoreDB), no append carries more. Either way a command's
 * events (consecutive events of one stream with one `commandId`) are never
 * split, and a concurrent writer makes the import stop with a `concurrency`
 * error instead of forking a stream: a refused batch is then appended run
 * by run up to the conflicting run, so the import stops where a per-stream
 * import would and a re-run appends only the rest. Ids, metadata and
 * payloads are passed as they are, so the store recomputes the very hashes
 * of the input; any difference is a `corrupt_log` error. Events the store
 * already held are skipped, so an import that stopped half-way can simply
 * be run again.
 */
export async function applyImport(options: ApplyImportOptions): Promise<ImportResult> {
  const { eventStore, plan } = options;
  if (plan.badLines.length > 0) {
    throw new CorruptLogError('(import)', null, `the input has ${plan.badLines.length} bad lines: nothing may be appended`);
  }
  const onProgress = options.onProgress ?? (() => undefined);
  const multi = eventStore.capabilities.multiStreamAppend === true;
  const batches = new ImportBatches({
    maxEvents: multi ? MAX_EVENTS_PER_BATCH : MAX_EVENTS_PER_APPEND,
    oneStream: !multi,
    maxBytes: eventStore.capabilities.maxAppendBytes,
  });
  let appended = 0;
  const touched = new Set<string>();

  const expectedOf = (request: ImportRequest) => (request.first === 0n ? ('no_stream' as const) : request.first - 1n);
  const recordResult = (request: ImportRequest, result: AppendResult) => {
    result.events.forEach((recorded, index) => {
      const line = request.lines[index];
      if (!line || recorded.metadata.hash !== line.hash) {
        throw new CorruptLogError(
          request.streamId,
          recorded.revision,
          `the store recorded hash ${recorded.metadata.hash} for line ${line?.lineNumber ?? '?'}, whose hash is ${line?.hash ?? 'unknown'}`,
        );
      }
    });
    if (!result.alreadyAppended) {
      appended += result.events.length;
      touched.add(request.streamId);
    }
  };
  // One report per append call: cheap next to the commit it follows.
  const report = () => onProgress({ phase: 'appending', done: appended, total: plan.newEvents });

  const appendRuns = async (batch: readonly ImportRequest[]) => {
    for (const request of batch) {
      recordResult(request, await eventStore.appendToStream(request.streamId, request.events, { expectedRevision: expectedOf(request) }));
      report();
    }
  };

  const flush = async (batch: ImportRequest[] | null) => {
    if (!batch) return;
    if (!multi || batch.length === 1) return appendRuns(batch);
    let result;
    try {
      result = await eventStore.appendToStreams(
        batch.map((request) => ({ streamId: request.streamId, events: request.events, expectedRevision: expectedOf(request) })),
      );
    } catch (error) {
      // The batch wrote nothing. Run by run, what precedes the conflict goes in and the conflict itself stops the import.
      if (isThiduaError(error, 'concurrency')) return appendRuns(batch);
      throw error;
    }
    result.results.forEach((one, index) => recordResult(batch[index]!, one));
    report();
  };

  let command: ImportCommand | null = null;
  let commandId: unknown;
  for await (const { lineNumber, text } of options.lines()) {
    if (text.trim() === '') continue;
    const parsed = parseNdjsonLine(text);
    const streamPlan = parsed.ok ? plan.streams.get(parsed.event.streamId) : undefined;
    if (!parsed.ok || !streamPlan) {
      throw new CorruptLogError('(import)', null, `line ${lineNumber} changed after it was validated`);
    }
    const { event, revision } = parsed;
    if (revision < streamPlan.targetNext) continue;
    const id: unknown = event.metadata.commandId;
    const sameCommand =
      command !== null &&
      command.streamId === event.streamId &&
      typeof id === 'string' &&
      id === commandId &&
      command.first + BigInt(command.events.length) === revision;
    if (!sameCommand) {
      if (command) await flush(batches.push(command));
      command = { streamId: event.streamId, first: revision, events: [], lines: [] };
      commandId = id;
    }
    command!.events.push({
      id: event.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: metadataWithoutHashes(event.metadata),
    });
    command!.lines.push({ lineNumber, hash: event.metadata.hash });
  }
  if (command) await flush(batches.push(command));
  await flush(batches.end());
  return { appended, streams: touched.size };
}
