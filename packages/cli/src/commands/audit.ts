import { isDeepStrictEqual } from 'node:util';
import {
  ChainVerifier,
  createInMemoryProjectionStore,
  isThiduaError,
  NotFoundError,
  type EventStore,
  type ProjectionStore,
} from '@thidua/eventsourcing';
import { thiduaRegistry } from '@thidua/domain';
import { createThiduaProjections, getAuditTrail, thiduaProjections, type AuditEntry } from '@thidua/projections';
import { Option, type Command } from 'commander';
import { ExitCode, UsageError } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { withStores } from '../open-store';
import { openDataSink, plural, printData, printInfo, renderTable } from '../output';
import { catchUpReadModels } from '../catch-up';
import { createStepMeters, everyNth, projectionStep, withMeters, type StepProgress } from '../progress';

/** The first thing found wrong with a log. */
export interface AuditFinding {
  /** Where, when it is one event; absent for a projection that replays differently. */
  event?: { streamId: string; revision: bigint; position: bigint; eventId?: string };
  problem: string;
}

/** What `audit verify` checked, and the first problem if any. */
export interface AuditReport {
  events: number;
  streams: number;
  projections: readonly string[];
  finding: AuditFinding | null;
}

/**
 * Checks a log end to end: recomputes every per-stream hash
 * chain over the raw events, validates every stored payload against the
 * registry for its schemaVersion, then replays every projection twice into
 * fresh in-memory projection stores and requires identical documents. Stops
 * at the first problem.
 */
export async function verifyLog(
  eventStore: EventStore,
  onProgress: (progress: StepProgress) => void = () => undefined,
): Promise<AuditReport> {
  const verifier = new ChainVerifier();
  const streams = new Set<string>();
  let events = 0;
  const names = thiduaProjections.map((projection) => projection.name);
  const report = (finding: AuditFinding): AuditReport => ({ events, streams: streams.size, projections: names, finding });

  const head = Number((await eventStore.headPosition()) ?? 0n);
  const checking = everyNth(1_000, (position: bigint) =>
    onProgress({ step: 'audit verify: hash chains and payloads', done: Number(position), total: head }),
  );
  for await (const event of eventStore.readAll({ raw: true })) {
    checking(event.position);
    const at = { streamId: event.streamId, revision: event.revision, position: event.position, eventId: event.id };
    const broken = verifier.check(event);
    if (broken) return report({ event: at, problem: `hash chain broken: ${broken.reason}` });
    try {
      thiduaRegistry.read(event);
    } catch (error) {
      const reason = isThiduaError(error) && typeof error.details['reason'] === 'string' ? error.details['reason'] : describe(error);
      return report({ event: at, problem: `payload refused by the registry: ${reason}` });
    }
    events += 1;
    streams.add(event.streamId);
  }

  const first = await replay(eventStore, 1, onProgress);
  if ('finding' in first) return report(first.finding);
  const second = await replay(eventStore, 2, onProgress);
  if ('finding' in second) return report(second.finding);
  try {
    for (const name of names) {
      const difference = await firstDifference(first.store, second.store, name);
      if (difference !== null) {
        return report({ problem: `projection ${name} is not deterministic: ${difference} differs between two replays of the same log` });
      }
    }
  } finally {
    await Promise.all([first.store.close(), second.store.close()]);
  }
  return { events, streams: streams.size, projections: names, finding: null };
}

/** Replays every projection from the start into a fresh in-memory projection store. */
async function replay(
  eventStore: EventStore,
  round: 1 | 2,
  onProgress: (progress: StepProgress) => void,
): Promise<{ store: ProjectionStore } | { finding: AuditFinding }> {
  const store = createInMemoryProjectionStore();
  try {
    await createThiduaProjections({ eventStore, projectionStore: store }).catchUp((progress) =>
      onProgress(projectionStep(`audit verify: replay ${round} of 2`, progress)),
    );
    return { store };
  } catch (error) {
    await store.close();
    if (isThiduaError(error, 'projection_failed') || isThiduaError(error, 'corrupt_log')) {
      const { streamId, revision, position } = error.details;
      const event =
        typeof streamId === 'string' && typeof revision === 'bigint' && typeof position === 'bigint'
          ? { streamId, revision, position }
          : undefined;
      return { finding: { ...(event ? { event } : {}), problem: `replay failed: ${error.message}` } };
    }
    throw error;
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `stream@revision (position p, event id)`: how every finding names its event. */
export function describeFinding(finding: AuditFinding): string {
  if (!finding.event) return finding.problem;
  const { streamId, revision, position, eventId } = finding.event;
  return `event ${streamId}@${revision} (position ${position}${eventId ? `, id ${eventId}` : ''}): ${finding.problem}`;
}

interface TrailOptions extends GlobalOptions {
  stream?: string;
  unit?: string;
  format: 'table' | 'json';
  out?: string;
}

/** The trail as a table: one line per event, who did it, when, under which command. */
export function renderTrailTable(entries: readonly AuditEntry[]): string {
  return renderTable(
    ['Position', 'Recorded at', 'Stream@revision', 'Event', 'Business time', 'Actor', 'Command'],
    entries.map((entry) => [
      entry.position,
      entry.recordedAt,
      `${entry.streamId}@${entry.revision}`,
      entry.type,
      entry.businessAt ?? '',
      entry.actor ? `${entry.actor.id} (${entry.actor.role}${entry.actor.unitId ? `, ${entry.actor.unitId}` : ''})` : '',
      entry.commandId ?? '',
    ]),
  );
}

/** `thidua audit verify` and `thidua audit trail`. */
export function registerAuditCommand(program: Command, finish: Finish): void {
  const audit = program.command('audit').description('verify the log, or show who did what');

  audit
    .command('verify')
    .description('recompute every hash chain, validate every payload, replay every projection twice and compare')
    .addOption(new Option('--format <format>', 'how to report: text, or json (the findings as JSON on stdout)').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Exit code 0 when the log is sound; 1 with the first bad event named (stream,
revision, position, what is wrong); 3 when the store cannot be read.
JSON: { store, sound, events, streams, projections, finding } where finding
is null or { event: { streamId, revision, position, eventId } | absent, problem }.

Examples:
  thidua --store sqlite:./thidua.db audit verify
  thidua audit verify --format json`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await verify(command.optsWithGlobals<VerifyOptions>()));
    });

  audit
    .command('trail')
    .description('the audit trail of one stream or one unit: who did what, when, under which command')
    .option('--stream <id>', 'a stream id, e.g. bloc-tay-ninh-kinh-te-ky-thuat')
    .option('--unit <id>', 'a unit id: events about the unit or issued by it')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Give exactly one of --stream and --unit. The audit-trail projection is caught
up with the log first. A stream or unit with no event in the log is
not_found (exit code 1).

Examples:
  thidua audit trail --stream bloc-tay-ninh-kinh-te-ky-thuat
  thidua audit trail --unit so-xay-dung --format json`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await trail(command.optsWithGlobals<TrailOptions>()));
    });
}

interface VerifyOptions extends GlobalOptions {
  format: 'text' | 'json';
}

/** An audit report as JSON: bigints as decimal strings. */
function reportAsJson(store: string, report: AuditReport): string {
  const event = report.finding?.event;
  const finding = report.finding
    ? {
        ...(event
          ? { event: { streamId: event.streamId, revision: event.revision.toString(), position: event.position.toString(), ...(event.eventId ? { eventId: event.eventId } : {}) } }
          : {}),
        problem: report.finding.problem,
      }
    : null;
  return `${JSON.stringify({ store, sound: finding === null, events: report.events, streams: report.streams, projections: report.projections, finding })}\n`;
}

async function verify(options: VerifyOptions): Promise<ExitCode> {
  return withStores(options, async ({ eventStore, description }) => {
    const meters = createStepMeters({ when: options.progress });
    const report = await withMeters(meters, () => verifyLog(eventStore, meters.report));
    if (options.format === 'json') {
      await printData(reportAsJson(description, report));
      return report.finding ? ExitCode.refused : ExitCode.ok;
    }
    if (report.finding) {
      printInfo(`audit verify: ${description} is UNSOUND`);
      printInfo(`  ${describeFinding(report.finding)}`);
      printInfo(`  (${report.events} events verified before it)`);
      return ExitCode.refused;
    }
    await printData(
      [
        `audit verify: ${description} is sound`,
        `  ${plural(report.events, 'event')} in ${plural(report.streams, 'stream')}: every hash chain recomputed, every payload valid`,
        `  projections ${report.projections.join(', ')}: replayed twice, identical documents`,
        '',
      ].join('\n'),
    );
    return ExitCode.ok;
  }, { readOnly: true });
}

async function trail(options: TrailOptions): Promise<ExitCode> {
  if ((options.stream === undefined) === (options.unit === undefined)) {
    throw new UsageError('audit trail: give exactly one of --stream <id> and --unit <id>');
  }
  return withStores(options, async (stores) => {
    const projectionStore = await stores.projectionStore();
    await catchUpReadModels(stores.eventStore, projectionStore, options.progress);
    const query = options.stream !== undefined ? { streamId: options.stream } : { unitId: options.unit ?? '' };
    const entries = await getAuditTrail(projectionStore, query);
    // Like standings of an unknown bloc: an empty trail means a stream (or unit) the log does not know.
    if (entries.length === 0) {
      const what = options.stream !== undefined ? `stream ${options.stream}` : `unit ${options.unit}`;
      throw new NotFoundError(`No ${what} in ${stores.description}: no event of the log is about it (thidua list shows the blocs and campaigns)`, {
        ...query,
      });
    }
    const sink = openDataSink(options.out);
    try {
      await sink.write(options.format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : renderTrailTable(entries));
      await sink.close();
    } catch (error) {
      await sink.discard();
      throw error;
    }
    return ExitCode.ok;
  }, { readOnly: true });
}
