import { stat } from 'node:fs/promises';
import {
  ChainVerifier,
  parseNdjsonLine,
  payloadProblem,
  recordedFromNdjson,
  CorruptLogError,
  metadataWithoutHashes,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '@thidua/eventsourcing';
import { thiduaRegistry } from '@thidua/domain';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { withStores } from '../open-store';
import { plural, printData, printInfo } from '../output';
import { createStepMeters, everyNth, withMeters, type StepProgress } from '../progress';
import { readLines } from '../read-lines';

/** Events appended per call at most: an import of one huge stream still commits in bounded transactions. */
const MAX_EVENTS_PER_APPEND = 500;
/** Stored events read per round-trip when comparing an import with what the store already holds. */
const COMPARE_PAGE = 1_000;
/** Lines, or stored events, between two progress reports while validating. */
const REPORT_EVERY = 500;

/** A line the import refuses, and every reason why. */
export interface BadLine {
  lineNumber: number;
  reason: string;
}

/** What the target store holds of one stream of the file, as found before anything is appended. */
interface StreamPlan {
  /** The first revision the store does not hold yet (0 for a stream it does not know). */
  readonly targetNext: bigint;
  /** A line broke this stream's chain or order: its later lines are not chain-checked (they would all fail). */
  broken: boolean;
  /** A page of stored events, by revision, for comparing lines the store already holds. */
  stored: Map<bigint, RecordedEvent>;
}

/** The result of validating a whole import file against a target store. */
export interface ImportPlan {
  badLines: BadLine[];
  /** Events not in the store yet. */
  newEvents: number;
  /** Events the store already holds (same id, revision and hash): skipped, so an import can be repeated. */
  present: number;
  streams: ReadonlyMap<string, StreamPlan>;
}

/**
 * Validates every line of an NDJSON export against the target store before
 * anything is appended: the envelope; the payload against the registry for
 * its schemaVersion, unchanged by parsing (or its hash would not survive);
 * unique event ids; per stream, revisions that start at or below the store's
 * next revision and follow on; the hash chains, recomputed by the kernel's
 * {@link ChainVerifier} from the store's own tip; and that events the store
 * already holds are the same events.
 */
export async function planImport(
  path: string,
  eventStore: EventStore,
  onProgress: (progress: StepProgress) => void = () => undefined,
): Promise<ImportPlan> {
  const badLines: BadLine[] = [];
  const streams = new Map<string, StreamPlan>();
  const verifier = new ChainVerifier();
  const idsInFile = new Map<string, number>();
  const newIds = new Map<string, number>();
  // Streams with a bad line seen before any good one: their order cannot be judged from this file.
  const brokenEarly = new Set<string>();
  let present = 0;

  const planFor = async (streamId: string, firstRevision: bigint, reasons: string[]): Promise<StreamPlan> => {
    const known = streams.get(streamId);
    if (known) return known;
    const tip = await eventStore.streamRevision(streamId);
    const plan: StreamPlan = { targetNext: tip === null ? 0n : tip + 1n, broken: brokenEarly.has(streamId), stored: new Map() };
    streams.set(streamId, plan);
    if (plan.broken) return plan;
    if (firstRevision > plan.targetNext) {
      reasons.push(
        `stream ${streamId} starts at revision ${firstRevision} in this file, but the store's next revision of it is ${plan.targetNext}`,
      );
      plan.broken = true;
    } else if (firstRevision > 0n) {
      // The file continues a stream the store holds: its chain goes on from the store's own events.
      for await (const stored of eventStore.readStream(streamId, { maxCount: Number(firstRevision), raw: true })) {
        const broken = verifier.check(stored);
        if (broken) {
          reasons.push(
            `the store's own stream ${streamId} does not verify at revision ${broken.revision} (${broken.reason}); run thidua audit verify`,
          );
          plan.broken = true;
          break;
        }
      }
    }
    return plan;
  };

  const storedAt = async (streamId: string, plan: StreamPlan, revision: bigint): Promise<RecordedEvent | undefined> => {
    if (!plan.stored.has(revision)) {
      plan.stored = new Map();
      for await (const stored of eventStore.readStream(streamId, { fromRevision: revision, maxCount: COMPARE_PAGE, raw: true })) {
        plan.stored.set(stored.revision, stored);
      }
    }
    return plan.stored.get(revision);
  };

  const fileSize = (await stat(path).catch(() => null))?.size ?? 0;
  const validating = everyNth(REPORT_EVERY, (bytesRead: number) =>
    onProgress({ step: `import: validating ${path}`, unit: 'bytes', done: bytesRead, total: fileSize }),
  );
  for await (const { lineNumber, text, bytesRead } of readLines(path)) {
    validating(bytesRead);
    if (text.trim() === '') continue;
    const parsed = parseNdjsonLine(text);
    if (!parsed.ok) {
      badLines.push({ lineNumber, reason: parsed.reason });
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

    const payload = payloadProblem(thiduaRegistry, event.type, event.schemaVersion, event.data);
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
        reasons.push(
          `the store already holds a different event at ${event.streamId}@${revision}${stored ? ` (id ${stored.id})` : ''}`,
        );
      } else if (reasons.length === 0) {
        present += 1;
      }
    } else if (reasons.length === 0) {
      newIds.set(event.id, lineNumber);
    }
    if (reasons.length > 0) badLines.push({ lineNumber, reason: reasons.join('; ') });
  }

  // Ids are unique store-wide (EventStoreDB dedupes by them): a new line must not reuse one the store holds elsewhere.
  const head = newIds.size > 0 ? await eventStore.headPosition() : null;
  if (head !== null) {
    const checking = everyNth(REPORT_EVERY, (position: bigint) =>
      onProgress({ step: 'import: checking the new event ids against the store', done: Number(position), total: Number(head) }),
    );
    for await (const stored of eventStore.readAll({ raw: true })) {
      checking(stored.position);
      const lineNumber = newIds.get(stored.id);
      if (lineNumber !== undefined) {
        badLines.push({ lineNumber, reason: `event id ${stored.id} is already in the store, at ${stored.streamId}@${stored.revision}` });
        newIds.delete(stored.id);
      }
    }
  }

  badLines.sort((a, b) => a.lineNumber - b.lineNumber);
  return { badLines, newEvents: newIds.size, present, streams };
}

/** What {@link applyImport} appended. */
export interface ImportResult {
  appended: number;
  streams: number;
}

/**
 * Appends the new events of a validated file, in the file's order: each run
 * of consecutive lines of one stream is one atomic append (at most
 * {@link MAX_EVENTS_PER_APPEND} events) with its exact expected revision, so
 * the global interleaving is kept and a concurrent writer makes the import
 * stop with a `concurrency` error instead of forking a stream. Ids, metadata
 * and payloads are passed as they are, so the store recomputes the very
 * hashes of the file; any difference is a `corrupt_log` error.
 */
export async function applyImport(
  path: string,
  eventStore: EventStore,
  plan: ImportPlan,
  onProgress: (progress: StepProgress) => void = () => undefined,
): Promise<ImportResult> {
  let appended = 0;
  const touched = new Set<string>();
  let run: { streamId: string; first: bigint; events: NewEvent[]; lines: { lineNumber: number; hash: string }[] } | null = null;

  const flush = async () => {
    if (!run) return;
    const { streamId, first, events, lines } = run;
    run = null;
    const result = await eventStore.appendToStream(streamId, events, {
      expectedRevision: first === 0n ? 'no_stream' : first - 1n,
    });
    result.events.forEach((recorded, index) => {
      const line = lines[index];
      if (!line || recorded.metadata.hash !== line.hash) {
        throw new CorruptLogError(streamId, recorded.revision, `the store recorded hash ${recorded.metadata.hash} for line ${line?.lineNumber ?? '?'}, whose hash is ${line?.hash ?? 'unknown'}`);
      }
    });
    if (!result.alreadyAppended) {
      appended += result.events.length;
      touched.add(streamId);
    }
    // One report per append call: cheap next to the commit it follows.
    onProgress({ step: 'import: appending', done: appended, total: plan.newEvents });
  };

  for await (const { lineNumber, text } of readLines(path)) {
    if (text.trim() === '') continue;
    const parsed = parseNdjsonLine(text);
    const streamPlan = parsed.ok ? plan.streams.get(parsed.event.streamId) : undefined;
    if (!parsed.ok || !streamPlan) {
      throw new CorruptLogError('(import)', null, `line ${lineNumber} changed after it was validated`);
    }
    const { event, revision } = parsed;
    if (revision < streamPlan.targetNext) continue;
    if (run && (run.streamId !== event.streamId || run.events.length >= MAX_EVENTS_PER_APPEND)) await flush();
    run ??= { streamId: event.streamId, first: revision, events: [], lines: [] };
    run.events.push({
      id: event.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: metadataWithoutHashes(event.metadata),
    });
    run.lines.push({ lineNumber, hash: event.metadata.hash });
  }
  await flush();
  return { appended, streams: touched.size };
}

interface ImportOptions extends GlobalOptions {
  dryRun?: boolean;
}

/** `thidua import <file>`. */
export function registerImportCommand(program: Command, finish: Finish): void {
  program
    .command('import')
    .description('append the events of an NDJSON export, after validating the whole file (nothing is appended if any line is bad)')
    .argument('<file>', 'NDJSON file, one event a line, as written by thidua export')
    .option('--dry-run', 'validate only; append nothing')
    .addHelpText(
      'after',
      `
Every line is checked first: JSON, envelope keys, payload against the event
registry for its schemaVersion, unique ids, per-stream revisions starting at
the store's next revision, and the hash chains. Each bad line is named and
nothing is appended. Events the store already holds (same id, revision and
hash) are skipped, so importing the same file twice appends nothing.

Examples:
  thidua export --out log.ndjson
  thidua --store sqlite:./copy.db import log.ndjson
  thidua --store postgres://localhost/thidua import --dry-run log.ndjson`,
    )
    .action(async (file: string, _options: unknown, command: Command) => {
      finish(await importFile(file, command.optsWithGlobals<ImportOptions>()));
    });
}

async function importFile(path: string, options: ImportOptions): Promise<ExitCode> {
  return withStores(options, async ({ eventStore, description }) => {
    const meters = createStepMeters({ when: options.progress });
    const plan = await withMeters(meters, () => planImport(path, eventStore, meters.report));
    if (plan.badLines.length > 0) {
      for (const bad of plan.badLines) printInfo(`line ${bad.lineNumber}: ${bad.reason}`);
      printInfo(`import refused: ${plural(plan.badLines.length, 'bad line')} in ${path}; nothing was appended`);
      return ExitCode.refused;
    }
    const total = plan.newEvents + plan.present;
    if (options.dryRun) {
      await printData(`${path} is valid: ${plural(total, 'event')}, ${plan.newEvents} new, ${plan.present} already in ${description}; nothing appended (--dry-run)\n`);
      return ExitCode.ok;
    }
    if (plan.newEvents === 0) {
      await printData(`nothing to import: all ${plural(total, 'event')} of ${path} are already in ${description}\n`);
      return ExitCode.ok;
    }
    let appended = 0;
    const onAppend = (progress: StepProgress) => {
      appended = progress.done;
      meters.report(progress);
    };
    const result = await withMeters(meters, () => applyImport(path, eventStore, plan, onAppend)).catch((error: unknown) => {
      // After the meter is gone, so the notice is not drawn into a progress bar.
      if (appended > 0) {
        printInfo(`import stopped after appending ${appended} events; run it again to append the rest (events already in the store are skipped)`);
      }
      throw error;
    });
    await printData(
      `imported ${plural(result.appended, 'event')} into ${plural(result.streams, 'stream')} of ${description} (${plan.present} already present)\n`,
    );
    return ExitCode.ok;
  });
}
