import { isDeepStrictEqual } from 'node:util';
import type { RecordedEvent } from '../envelope/envelope';
import { isThiduaError } from '../errors/thidua-error';
import type { EventStore } from '../event-store/event-store';
import { ChainVerifier } from '../hash-chain/hash-chain';
import { createInMemoryProjectionStore } from '../in-memory/in-memory-projection-store';
import type { ProjectionStore } from '../projections/projection';
import type { EventRegistry } from '../registry/event-registry';
import { verifyAnchor, type Anchor, type AnchorKey, anchorPublicKey } from './anchor';
import type { AuditRule, AuditRuleRun } from './audit-rule';
import { EventIdCheck } from './event-id-check';
import { EventsDigest, tipsDigest, type StreamTipFact } from './log-digests';

/** The checks `verifyLog` knows, in the order it reports them. */
export const AUDIT_CHECKS = [
  'hash-chains',
  'payloads',
  'event-ids',
  'positions',
  'bookkeeping',
  'domain-rules',
  'anchors',
  'anchor-signatures',
  'replay',
] as const;

/** One of {@link AUDIT_CHECKS}. */
export type AuditCheckName = (typeof AUDIT_CHECKS)[number];

/** Where a finding is, when it is about one event. */
export interface AuditEventRef {
  streamId: string;
  revision: bigint;
  position: bigint;
  eventId?: string;
}

/** One thing found wrong with the log: which check found it, where, and what. */
export interface AuditFinding {
  check: AuditCheckName;
  event?: AuditEventRef;
  problem: string;
}

/** What one check did: `passed`, `failed` (its findings are in the report) or `skipped`, and a line saying what it covered or why not. */
export interface AuditCheckResult {
  name: AuditCheckName;
  status: 'passed' | 'failed' | 'skipped';
  detail: string;
}

/** Replays projections for `verifyLog`, which then compares two replays (the kernel depends on no projection package). */
export interface AuditReplay {
  /** The projections the replay builds, by name: their states and documents are compared. */
  readonly projections: readonly string[];
  /**
   * Replays every projection from the start of `eventStore` into
   * `projectionStore` (fresh and in memory). A `projection_failed` or
   * `corrupt_log` error is reported as a finding; others end the verification.
   */
  run(eventStore: EventStore, projectionStore: ProjectionStore, round: 1 | 2): Promise<void>;
}

/** Options of {@link verifyLog}. */
export interface VerifyLogOptions {
  /** Re-validates every stored payload (for its schemaVersion) and parses events for the rules. */
  registry: EventRegistry;
  /** Replays projections twice and requires identical results; skipped without one. */
  replay?: AuditReplay;
  /** Orders the domain makes impossible (see {@link AuditRule}). */
  rules?: readonly AuditRule[];
  /** Anchors kept outside the store (files); the store's own recorded anchors are always checked too. */
  anchors?: readonly Anchor[];
  /** Checks every anchor's signature, and counts the events after the last signed one. */
  publicKey?: AnchorKey;
  /** Progress of the pass over the log: events done of the head position. */
  onProgress?(progress: { done: number; total: number }): void;
}

/** What `verifyLog` found. */
export interface AuditReport {
  /** True when no check found anything. */
  sound: boolean;
  events: number;
  streams: number;
  /** Every check, run or skipped. */
  checks: AuditCheckResult[];
  /** The first finding, `null` when sound. */
  finding: AuditFinding | null;
  /** Every finding, in the order found (at most {@link MAX_FINDINGS}). */
  findings: AuditFinding[];
  /** How many anchors were checked, and how many of them came from the store. */
  anchors: { checked: number; stored: number };
  /** With a public key: the last anchor whose signature holds, or `null` when none does. */
  lastSignedAnchor?: { position: bigint; anchoredAt: string } | null;
  /** With a public key: how many events lie after the last signed anchor (all of them when there is none). */
  eventsAfterLastSignedAnchor?: number;
  /** The projections replayed (empty without a replay). */
  projections: readonly string[];
}

/** Findings kept in a report: a badly damaged log would otherwise give one per event. */
export const MAX_FINDINGS = 100;

/** An anchor being checked during the pass, with what is known of it so far. */
interface AnchorRun {
  anchor: Anchor;
  label: string;
  events: EventsDigest | null;
  sawPosition: boolean;
  /** Events of the log up to the anchor's position, known once it is settled. */
  eventsUpTo: number;
}

/**
 * Verifies a whole log, in one pass over it and then a replay: recomputes
 * every per-stream hash chain, re-validates every stored payload against
 * the registry, checks every event id derived from a command id, checks that
 * positions increase (and have no hole where the store claims dense
 * positions), compares the store's own bookkeeping (stream tips, log head)
 * with its events, runs the domain's order rules, checks that the log still
 * extends every anchor (given, and recorded in the store), checks anchor
 * signatures with a public key, and replays projections twice. It reports
 * every check and every finding rather than stopping at the first.
 *
 * A store failure (unreachable, a read error) is thrown, never reported as a
 * finding: it says nothing about the log.
 *
 * @example
 * const report = await verifyLog(store, { registry, rules: thiduaAuditRules, anchors: [parseAnchor(text, 'anchor.json')] });
 * if (!report.sound) console.error(report.findings);
 */
export async function verifyLog(eventStore: EventStore, options: VerifyLogOptions): Promise<AuditReport> {
  const publicKey = options.publicKey === undefined ? undefined : anchorPublicKey(options.publicKey);
  const findings: AuditFinding[] = [];
  const failed = new Set<AuditCheckName>();
  const report = (check: AuditCheckName, problem: string, event?: RecordedEvent): void => {
    failed.add(check);
    if (findings.length >= MAX_FINDINGS) return;
    findings.push({ check, ...(event ? { event: refOf(event) } : {}), problem });
  };

  // Anchors: those given and those the store recorded, settled in position order during the pass.
  const given = (options.anchors ?? []).map((anchor) => ({ anchor, origin: 'given' }));
  let stored: { anchor: Anchor; origin: string }[] = [];
  let storedAnchorsProblem: string | null = null;
  if (eventStore.storedAnchors) {
    try {
      stored = (await eventStore.storedAnchors()).map((anchor) => ({ anchor, origin: 'stored' }));
    } catch (error) {
      if (!isThiduaError(error, 'invalid_anchor')) throw error;
      storedAnchorsProblem = error.message;
    }
  }
  const runs: AnchorRun[] = [...given, ...stored]
    .map(({ anchor, origin }) => ({
      anchor,
      label: `${origin} anchor of ${anchor.anchoredAt} (position ${anchor.position})`,
      events: anchor.eventsDigest === undefined ? null : new EventsDigest(),
      sawPosition: anchor.position === 0n,
      eventsUpTo: 0,
    }))
    .sort((a, b) => (a.anchor.position < b.anchor.position ? -1 : a.anchor.position > b.anchor.position ? 1 : 0));
  if (storedAnchorsProblem !== null) report('anchors', `a stored anchor cannot be read: ${storedAnchorsProblem}`);

  const verifier = new ChainVerifier();
  const brokenStreams = new Set<string>();
  const ids = new EventIdCheck();
  const ruleRuns: { name: string; run: AuditRuleRun }[] = (options.rules ?? []).map((rule) => ({ name: rule.name, run: rule.start() }));
  const tips = new Map<string, StreamTipFact>();
  const dense = eventStore.capabilities.densePositions;
  let previous = 0n;
  let count = 0;
  let pending = 0;
  let nextRun = 0;

  // The log up to an anchor's position is all seen when the first event after it arrives (or the log ends).
  const settle = (run: AnchorRun): void => {
    run.eventsUpTo = count;
    const { anchor, label } = run;
    if (!run.sawPosition) {
      report(
        'anchors',
        previous < anchor.position
          ? `the log ends at position ${previous}, before the position ${anchor.position} of the ${label}: events it anchored are gone`
          : `position ${anchor.position} of the ${label} holds no event any more`,
      );
    }
    if (tips.size !== anchor.streams) {
      report('anchors', `the log held ${tips.size} streams up to position ${anchor.position}, the ${label} ${anchor.streams}`);
    }
    if (tipsDigest(tips.values()) !== anchor.tipsDigest) {
      report('anchors', `the stream tips up to position ${anchor.position} no longer match the ${label}: a stream's last event was changed, removed or added`);
    }
    if (run.events && run.events.digest() !== anchor.eventsDigest) {
      report('anchors', `the events up to position ${anchor.position} no longer match the ${label}: an event was changed, removed, added or moved`);
    }
  };

  /*
   * The store's bookkeeping is read before the pass and compared with the log as it was up to the head it
   * recorded, so events appended meanwhile (a live store) are not mistaken for events added behind its back;
   * a second read after the pass shows events past any head the store ever recorded.
   */
  const books = eventStore.bookkeeping ? await eventStore.bookkeeping() : null;
  let booksView: { last: bigint | null; tips: Map<string, StreamTipFact> } | null = null;
  const settleBooks = (): void => {
    booksView = { last: count === 0 ? null : previous, tips: new Map(tips) };
  };
  const head = Number((await eventStore.headPosition()) ?? 0n);
  for await (const event of eventStore.readAll({ raw: true })) {
    if (++pending === 1_000) {
      pending = 0;
      options.onProgress?.({ done: Number(event.position), total: head });
    }
    settleBefore(event.position);
    // An empty store records no head: every event then came after the read.
    if (books && !booksView && event.position > (books.head ?? 0n)) settleBooks();
    checkEvent(event);
  }
  settleBefore(null);
  if (books && !booksView) settleBooks();
  options.onProgress?.({ done: head, total: head });

  /** Settles every anchor whose position lies before `position` (all that are left for `null`, the end of the log). */
  function settleBefore(position: bigint | null): void {
    for (let run = runs[nextRun]; run && (position === null || run.anchor.position < position); run = runs[nextRun]) {
      nextRun += 1;
      settle(run);
    }
  }

  function checkEvent(event: RecordedEvent): void {
    if (event.position <= previous) {
      report('positions', `position ${event.position} after position ${previous}: positions must increase`, event);
    } else if (dense && event.position !== previous + 1n) {
      const missing = event.position - previous - 1n;
      report('positions', `a hole in positions: ${previous + 1n}${missing > 1n ? `–${event.position - 1n}` : ''} missing (${missing} event${missing === 1n ? '' : 's'}) before this one`, event);
    }
    previous = event.position > previous ? event.position : previous;
    count += 1;
    // Every anchor not settled yet lies at or after this event.
    for (const run of runs.slice(nextRun)) {
      run.events?.add(event);
      if (event.position === run.anchor.position) run.sawPosition = true;
    }
    tips.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: String(event.metadata?.hash ?? '') });

    if (!brokenStreams.has(event.streamId)) {
      const broken = verifier.check(event);
      if (broken) {
        // Every later event of the stream then fails too: name the first.
        brokenStreams.add(event.streamId);
        report('hash-chains', `hash chain broken: ${broken.reason}`, event);
      }
    }
    const idProblem = ids.check(event);
    if (idProblem) report('event-ids', idProblem, event);
    let parsed: RecordedEvent;
    try {
      parsed = options.registry.read(event);
    } catch (error) {
      const reason = isThiduaError(error) && typeof error.details['reason'] === 'string' ? error.details['reason'] : describe(error);
      report('payloads', `payload refused by the registry: ${reason}`, event);
      return;
    }
    for (const { name, run } of ruleRuns) {
      const problem = run.check(parsed);
      if (problem) report('domain-rules', `${name}: ${problem}`, event);
    }
  }

  for (const { name, run } of ruleRuns) {
    for (const found of run.finish?.({ streamExists: (streamId) => tips.has(streamId) }) ?? []) {
      report('domain-rules', `${name}: ${found.problem}`, found.event);
    }
  }

  // The store's own records of its log, against the events up to the head it recorded.
  let bookkeepingDetail = 'the store keeps no bookkeeping of its own besides the events';
  const view = booksView as { last: bigint | null; tips: Map<string, StreamTipFact> } | null;
  if (eventStore.bookkeeping && books && view) {
    const parts: string[] = [];
    if (books.head !== null || view.last !== null) {
      parts.push('log head');
      if (books.head !== view.last) {
        report('bookkeeping', `the store records its log head at position ${books.head ?? 'none'}, its events up to there end at ${view.last ?? 'none'}: events were removed or added behind its back`);
      }
    }
    const after = await eventStore.bookkeeping();
    if (count > 0 && (after.head === null || previous > after.head)) {
      report('bookkeeping', `the log holds events up to position ${previous}, past the head the store records (${after.head ?? 'none'}): they were added behind its back`);
    }
    if (books.tips !== null) {
      parts.push('stream tips');
      const seen = new Set<string>();
      for (const tip of books.tips) {
        seen.add(tip.streamId);
        const actual = view.tips.get(tip.streamId);
        if (!actual) report('bookkeeping', `the store records stream ${tip.streamId} at revision ${tip.revision}, but the log holds no event of it`);
        else if (actual.revision !== tip.revision || actual.hash !== tip.hash) {
          report('bookkeeping', `the store records stream ${tip.streamId} at revision ${tip.revision} (hash ${tip.hash}), its events end at revision ${actual.revision} (hash ${actual.hash})`);
        }
      }
      for (const streamId of view.tips.keys()) {
        if (!seen.has(streamId)) report('bookkeeping', `stream ${streamId} has events, but the store records no such stream`);
      }
    }
    bookkeepingDetail = `what the store records (${parts.join(' and ') || 'log head'}) agrees with its events`;
  }

  // Signatures, and how much of the log no signed anchor covers.
  let lastSigned: AnchorRun | null = null;
  if (publicKey) {
    for (const run of runs) {
      const status = verifyAnchor(run.anchor, publicKey);
      if (status === 'invalid') report('anchor-signatures', `the signature of the ${run.label} does not hold under the public key: the anchor was altered, or signed with another key`);
      if (status === 'valid' && (!lastSigned || run.anchor.position >= lastSigned.anchor.position)) lastSigned = run;
    }
  }

  // Replaying a log already found unsound would only repeat what was found, or fail on it.
  const names = options.replay?.projections ?? [];
  let replayDetail = options.replay ? '' : 'no replay given';
  if (options.replay && failed.size > 0) replayDetail = 'not run: the log is already unsound';
  else if (options.replay) replayDetail = await replayTwice(eventStore, options.replay, (problem, event) => report('replay', problem, event));

  const skipped = (name: AuditCheckName): string | null => {
    switch (name) {
      case 'bookkeeping':
        return eventStore.bookkeeping ? null : bookkeepingDetail;
      case 'domain-rules':
        return ruleRuns.length > 0 ? null : 'no rules given';
      case 'anchors':
        return runs.length > 0 || storedAnchorsProblem !== null ? null : 'no anchor given, none recorded in the store';
      case 'anchor-signatures':
        return publicKey ? (runs.length > 0 ? null : 'no anchor to check') : 'no public key given';
      case 'replay':
        return options.replay && replayDetail.startsWith('not run') ? replayDetail : options.replay ? null : replayDetail;
      default:
        return null;
    }
  };
  const withoutEventsDigest = runs.filter((run) => run.anchor.eventsDigest === undefined).length;
  const details: Record<AuditCheckName, string> = {
    'hash-chains': 'every per-stream hash chain recomputed',
    payloads: 'every stored payload validated for its schemaVersion',
    'event-ids': 'every event id derived from a commandId matches it (events without a commandId are exempt)',
    positions: dense ? 'positions increase with no hole (the store claims dense positions)' : 'positions increase (the store does not claim dense positions)',
    bookkeeping: bookkeepingDetail,
    'domain-rules': `rules ${ruleRuns.map((rule) => rule.name).join(', ')}`,
    anchors: `the log extends ${runs.length} anchor${runs.length === 1 ? '' : 's'} (${stored.length} recorded in the store)${withoutEventsDigest > 0 ? `; ${withoutEventsDigest} without an events digest, whose event-by-event check was skipped` : ''}`,
    'anchor-signatures': `${runs.filter((run) => run.anchor.signature !== undefined).length} signed anchor(s) checked under the public key`,
    replay: replayDetail,
  };
  const checks: AuditCheckResult[] = AUDIT_CHECKS.map((name) => {
    const why = skipped(name);
    if (why !== null) return { name, status: 'skipped', detail: why };
    return { name, status: failed.has(name) ? 'failed' : 'passed', detail: details[name] };
  });

  return {
    sound: failed.size === 0,
    events: count,
    streams: tips.size,
    checks,
    finding: findings[0] ?? null,
    findings,
    anchors: { checked: runs.length, stored: stored.length },
    ...(publicKey
      ? {
          lastSignedAnchor: lastSigned ? { position: lastSigned.anchor.position, anchoredAt: lastSigned.anchor.anchoredAt } : null,
          eventsAfterLastSignedAnchor: count - (lastSigned?.eventsUpTo ?? 0),
        }
      : {}),
    projections: names,
  };
}

/** Replays twice into fresh in-memory stores and compares; returns the check's detail line. */
async function replayTwice(
  eventStore: EventStore,
  replay: AuditReplay,
  report: (problem: string, event?: RecordedEvent) => void,
): Promise<string> {
  const stores: ProjectionStore[] = [];
  try {
    for (const round of [1, 2] as const) {
      const store = createInMemoryProjectionStore();
      stores.push(store);
      try {
        await replay.run(eventStore, store, round);
      } catch (error) {
        if (!isThiduaError(error, 'projection_failed') && !isThiduaError(error, 'corrupt_log')) throw error;
        const { streamId, revision, position } = error.details;
        const at =
          typeof streamId === 'string' && typeof revision === 'bigint' && typeof position === 'bigint'
            ? ({ streamId, revision, position } as RecordedEvent)
            : undefined;
        report(`replay ${round} failed: ${error.message}`, at);
        return `replay ${round} failed`;
      }
    }
    const [first, second] = stores as [ProjectionStore, ProjectionStore];
    for (const name of replay.projections) {
      const difference = await firstDifference(first, second, name);
      if (difference !== null) report(`projection ${name} is not deterministic: ${difference} differs between two replays of the same log`);
    }
    return `projections ${replay.projections.join(', ')}: replayed twice, identical documents`;
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

async function firstDifference(a: ProjectionStore, b: ProjectionStore, projection: string): Promise<string | null> {
  const [stateA, stateB] = await Promise.all([a.getState(projection), b.getState(projection)]);
  if (!isDeepStrictEqual(stateA, stateB)) return 'the checkpoint';
  const [docsA, docsB] = await Promise.all([a.listDocuments(projection), b.listDocuments(projection)]);
  const length = Math.max(docsA.length, docsB.length);
  for (let i = 0; i < length; i += 1) {
    const docA = docsA[i];
    const docB = docsB[i];
    if (docA?.key !== docB?.key) return `document ${docA?.key ?? docB?.key ?? '?'}`;
    if (!isDeepStrictEqual(docA?.doc, docB?.doc)) return `document ${docA?.key ?? '?'}`;
  }
  return null;
}

/** How a finding names its event: place, and id when known. */
function refOf(event: Pick<RecordedEvent, 'streamId' | 'revision' | 'position'> & { id?: string }): AuditEventRef {
  return { streamId: event.streamId, revision: event.revision, position: event.position, ...(event.id !== undefined ? { eventId: event.id } : {}) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `event stream@revision (position p, id …): problem`, or the problem alone: how a finding reads in a line of text. */
export function describeFinding(finding: AuditFinding): string {
  if (!finding.event) return finding.problem;
  const { streamId, revision, position, eventId } = finding.event;
  return `event ${streamId}@${revision} (position ${position}${eventId ? `, id ${eventId}` : ''}): ${finding.problem}`;
}
