import { thiduaAuditRules, thiduaRegistry } from '@thidua/domain';
import {
  ndjsonFileLines,
  parseNdjsonLine,
  planImport,
  recordedFromNdjson,
  verifyLog,
  type EventStore,
  type NdjsonEvent,
  CorruptLogError,
  createInMemoryEventStore,
  createInMemoryProjectionStore,
  metadataWithoutHashes,
} from '@thidua/eventsourcing';
import { createThiduaProjections, getYearEndStandings, type YearEndStandings } from '@thidua/projections';
import { businessTimeOf, isWithin, parseAsOf, type AsOfCut } from './business-time';

/** Options of {@link auditReplay}. */
export interface AuditReplayOptions {
  /** Path of an NDJSON export (`thidua export`: one event a line). */
  file: string;
  /** A day (`2014-02-01`: up to the end of that day) or an instant with offset; compared with the events' business times. */
  asOf: string;
  /** Only this bloc's standings (default: every bloc with a campaign in the cut). */
  blocId?: string;
  /** Only this year's standings (default: every year). */
  year?: number;
}

/** The first line of the export that does not verify. */
export interface BadLine {
  /** 1-based line number in the file. */
  lineNumber: number;
  /** The event's stream and revision, when the line is an envelope. */
  streamId?: string;
  revision?: bigint;
  reason: string;
}

/** A log that verified, and the standings as of the cut. */
export interface SoundReplay {
  sound: true;
  /** Events in the file (all verified). */
  events: number;
  streams: number;
  asOf: AsOfCut;
  /** Events replayed: within the cut, and after no excluded event of their stream. */
  included: number;
  /** Events left out by the cut. */
  excluded: number;
  /** One per (bloc, year) with a campaign launched within the cut, ordered by bloc then year. */
  standings: YearEndStandings[];
}

/** A log that does not verify: nothing was replayed. */
export interface UnsoundLog {
  sound: false;
  /** Lines verified before the bad one. */
  events: number;
  firstBadLine: BadLine;
}

/** What {@link auditReplay} found. */
export type AuditReplayResult = SoundReplay | UnsoundLog;

/**
 * An auditor's replay of an NDJSON export:
 *
 * 1. **verifies every line** before anything is replayed, with the kernel's
 *    `planImport` against an empty store, and reports the first bad one:
 *    JSON; the interchange envelope (exact keys, decimal
 *    revision, uuid id, SHA-256 hashes); a unique event id; the payload
 *    against `thiduaRegistry` for its `schemaVersion`, unchanged by parsing;
 *    and the per-stream hash chains, recomputed by the kernel's
 *    `ChainVerifier` (revisions from 0 without gaps, each `prevHash` the
 *    previous hash, each hash over the content);
 *    then loads the whole file into an in-memory store and runs the
 *    library's `verifyLog` on it, with the domain's audit rules: what no
 *    single line shows (an event id that is not the one its command id
 *    derives, a score after its campaign closed scoring, a rank for a pledge
 *    whose stream is missing), named by the line of the event;
 * 2. **cuts the log by business time**: an event is replayed when its `…At`
 *    field is within `asOf` and no earlier event of its stream was left out
 *    (each stream stays a prefix of itself, so no aggregate is seen in a
 *    state it never had). `recordedAt` is not used: it is the store's clock at
 *    append, which for an imported history is the import's date;
 * 3. **loads** the replayed events into an in-memory store and runs the
 *    thidua projections on it;
 * 4. returns the year-end standings of each campaign launched within the cut.
 *
 * @example
 * const result = await auditReplay({ file: 'log.ndjson', asOf: '2014-02-01' });
 * if (!result.sound) console.error(`line ${result.firstBadLine.lineNumber}: ${result.firstBadLine.reason}`);
 */
export async function auditReplay(options: AuditReplayOptions): Promise<AuditReplayResult> {
  const cut = parseAsOf(options.asOf);
  const input = ndjsonFileLines(options.file);

  // 1. The kernel's import planning, against an empty store: every check an import into any store would make.
  const empty = createInMemoryEventStore();
  const plan = await planImport({ lines: input, eventStore: empty, registry: thiduaRegistry }).finally(() => empty.close());

  const lines: { lineNumber: number; event: NdjsonEvent; revision: bigint; businessTime: string }[] = [];
  const first = plan.badLines[0];
  for await (const { lineNumber, text } of input()) {
    if (first !== undefined && lineNumber >= first.lineNumber) break;
    if (text.trim() === '') continue;
    const parsed = parseNdjsonLine(text);
    // Verified above, unless it lies past the first bad line, where this pass stops.
    if (!parsed.ok) throw new CorruptLogError('(export)', null, `line ${lineNumber} changed while it was read`);
    const recorded = recordedFromNdjson(parsed.event, parsed.revision, BigInt(lineNumber));
    lines.push({ lineNumber, event: parsed.event, revision: parsed.revision, businessTime: businessTimeOf(thiduaRegistry.read(recorded)) });
  }
  if (first !== undefined) return { sound: false, events: lines.length, firstBadLine: first };

  // The whole log in a store, in file order (position n is the n-th event line), for the library's verifyLog.
  const whole = createInMemoryEventStore({ registry: thiduaRegistry });
  try {
    await load(whole, lines);
    const report = await verifyLog(whole, { registry: thiduaRegistry, rules: thiduaAuditRules });
    const finding = report.finding;
    if (finding) {
      const index = finding.event ? Number(finding.event.position) - 1 : lines.length - 1;
      const line = lines[index];
      return {
        sound: false,
        events: index,
        firstBadLine: {
          lineNumber: line?.lineNumber ?? 0,
          ...(finding.event ? { streamId: finding.event.streamId, revision: finding.event.revision } : {}),
          reason: `${finding.check}: ${finding.problem}`,
        },
      };
    }
  } finally {
    await whole.close();
  }

  // The cut: each stream is replayed up to its first event past the as-of.
  const closedStreams = new Set<string>();
  const replayed = lines.filter(({ event, businessTime }) => {
    if (closedStreams.has(event.streamId)) return false;
    if (isWithin(businessTime, cut)) return true;
    closedStreams.add(event.streamId);
    return false;
  });

  const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
  const projectionStore = createInMemoryProjectionStore();
  try {
    await load(eventStore, replayed);
    await createThiduaProjections({ eventStore, projectionStore }).catchUp();

    const campaigns = new Map<string, { blocId: string; year: number }>();
    for (const { event } of replayed) {
      if (event.type !== 'CampaignLaunched') continue;
      const { blocId, year } = event.data as { blocId: string; year: number };
      if (options.blocId !== undefined && blocId !== options.blocId) continue;
      if (options.year !== undefined && year !== options.year) continue;
      campaigns.set(`${blocId}\u0000${String(year).padStart(4, '0')}`, { blocId, year });
    }
    const standings: YearEndStandings[] = [];
    for (const key of [...campaigns.keys()].sort()) {
      const found = await getYearEndStandings(projectionStore, campaigns.get(key)!);
      if (found) standings.push(found);
    }
    return {
      sound: true,
      events: lines.length,
      streams: new Set(lines.map((line) => line.event.streamId)).size,
      asOf: cut,
      included: replayed.length,
      excluded: lines.length - replayed.length,
      standings,
    };
  } finally {
    await projectionStore.close();
    await eventStore.close();
  }
}


/**
 * Appends verified lines in order, each at the revision the file gives it.
 * The store recomputes each hash from the content, which the import planning
 * has already checked against the file's.
 */
async function load(eventStore: EventStore, lines: readonly { event: NdjsonEvent; revision: bigint }[]): Promise<void> {
  for (const { event, revision } of lines) {
    await eventStore.appendToStream(
      event.streamId,
      [{ id: event.id, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: metadataWithoutHashes(event.metadata) }],
      { expectedRevision: revision === 0n ? 'no_stream' : revision - 1n },
    );
  }
}
