import { readFile } from 'node:fs/promises';
import {
  anchorPrivateKey,
  anchorPublicKey,
  anchorToJson,
  createAnchor,
  describeFinding,
  NotFoundError,
  parseAnchor,
  verifyLog,
  type Anchor,
  type AnchorKey,
  type AuditFinding,
  type AuditReplay,
  type AuditReport,
  type EventStore,
} from '@thidua/eventsourcing';
import { thiduaAuditRules, thiduaRegistry } from '@thidua/domain';
import { createThiduaProjections, getAuditTrail, thiduaProjections, type AuditEntry } from '@thidua/projections';
import { Option, type Command } from 'commander';
import { ExitCode, UsageError } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { withStores } from '../open-store';
import { plural, printData, printInfo, renderTable, writeData } from '../output';
import { catchUpReadModels } from '../catch-up';
import { createStepMeters, projectionStep, withMeters, type StepProgress } from '../progress';

/**
 * The CLI's wiring of the kernel's `verifyLog`: the domain's registry and
 * rules, and a replay of every thidua projection. Everything the audit
 * checks lives in the kernel, so the library and the CLI say the same.
 */
export async function auditLog(
  eventStore: EventStore,
  options: { anchors?: readonly Anchor[]; publicKey?: AnchorKey; onProgress?: (progress: StepProgress) => void } = {},
): Promise<AuditReport> {
  const onProgress = options.onProgress ?? (() => undefined);
  const replay: AuditReplay = {
    projections: thiduaProjections.map((projection) => projection.name),
    async run(store, projectionStore, round) {
      await createThiduaProjections({ eventStore: store, projectionStore }).catchUp((progress) =>
        onProgress(projectionStep(`audit verify: replay ${round} of 2`, progress)),
      );
    },
  };
  const checking = ({ done, total }: { done: number; total: number }) => onProgress({ step: 'audit verify: hash chains and payloads', done, total });
  return verifyLog(eventStore, {
    registry: thiduaRegistry,
    rules: thiduaAuditRules,
    replay,
    ...(options.anchors ? { anchors: options.anchors } : {}),
    ...(options.publicKey !== undefined ? { publicKey: options.publicKey } : {}),
    onProgress: checking,
  });
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
    .description('check the whole log: hash chains, payloads, event ids, positions, the store\'s bookkeeping, domain rules, anchors; replay every projection twice')
    .option('--anchor <file>', 'an anchor file to check the log against (repeatable)', (file: string, files: string[] = []) => [...files, file])
    .option('--public-key <public.pem>', 'Ed25519 public key: check anchor signatures, count the events after the last signed anchor')
    .addOption(new Option('--format <format>', 'how to report: text, or json (every fact as JSON on stdout)').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Checks, each reported as passed, failed or skipped: hash-chains, payloads,
event-ids (ids derived from a commandId; events without one are exempt),
positions (no hole where the store numbers densely), bookkeeping (the
store's recorded log head and stream tips against its events), domain-rules
(a score after scoring closed, a rank for a pledge stream not in the log),
anchors (the log still extends every --anchor file and every anchor the
store recorded), anchor-signatures (with --public-key), replay (every
projection replayed twice, identical documents). docs/audit.md says what
each catches and what it cannot.

Exit codes: 0 sound; 1 unsound (every finding named: check, event, problem);
2 bad usage (an anchor or key file that cannot be read or is not one);
3 the store could not be reached or failed.
JSON: { store, sound, events, streams, checks: [{ name, status, detail }],
finding, findings: [{ check, event?: { streamId, revision, position,
eventId }, problem }], anchors: { checked, stored }, projections } and, with
--public-key, lastSignedAnchor ({ position, anchoredAt } or null) and
eventsAfterLastSignedAnchor. Positions and revisions are decimal strings.

Examples:
  thidua --store sqlite:./thidua.db audit verify
  thidua audit verify --anchor anchor-2026-06.json --public-key council.pub.pem
  thidua audit verify --format json`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await verify(command.optsWithGlobals<VerifyOptions>()));
    });

  audit
    .command('anchor')
    .description('take an anchor of the log head (signed with --key), record it in the store when the store keeps anchors, and print it')
    .option('--key <private.pem>', 'Ed25519 private key to sign the anchor with')
    .option('--out <file>', 'also write the anchor to this file')
    .addHelpText(
      'after',
      `
An anchor is { position, streams, tipsDigest, eventsDigest, anchoredAt,
signature? }: the log head, a digest of every stream tip and of every event
up to it. Keep a copy outside the database (a file elsewhere, a ledger, an
e-mail to the council): "audit verify --anchor <file> --public-key <pem>"
then shows a cut tail, a deleted stream, a rewritten or forged tail, events
swapped between streams, a changed id or recordedAt. SQLite, PostgreSQL and
memory stores also record it; EventStoreDB keeps anchors in files only.

Make a key pair:
  openssl genpkey -algorithm ed25519 -out council.pem
  openssl pkey -in council.pem -pubout -out council.pub.pem

Examples:
  thidua audit anchor --key council.pem --out anchor-2026-06.json
  thidua --store postgres://localhost/thidua audit anchor`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await anchor(command.optsWithGlobals<AnchorOptions>()));
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
  anchor?: string[];
  publicKey?: string;
}

interface AnchorOptions extends GlobalOptions {
  key?: string;
  out?: string;
}

/** A file the user named, or a usage error saying which and why. */
async function readUserFile(what: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new UsageError(`cannot read ${what} ${path}: ${reason}`, 'unreadable_file');
  }
}

function findingAsJson(finding: AuditFinding): Record<string, unknown> {
  const event = finding.event;
  return {
    check: finding.check,
    ...(event
      ? { event: { streamId: event.streamId, revision: event.revision.toString(), position: event.position.toString(), ...(event.eventId ? { eventId: event.eventId } : {}) } }
      : {}),
    problem: finding.problem,
  };
}

/** An audit report as JSON: bigints as decimal strings. */
function reportAsJson(store: string, report: AuditReport): string {
  const json = {
    store,
    sound: report.sound,
    events: report.events,
    streams: report.streams,
    checks: report.checks,
    finding: report.finding ? findingAsJson(report.finding) : null,
    findings: report.findings.map(findingAsJson),
    anchors: report.anchors,
    projections: report.projections,
    ...(report.lastSignedAnchor !== undefined
      ? {
          lastSignedAnchor: report.lastSignedAnchor
            ? { position: report.lastSignedAnchor.position.toString(), anchoredAt: report.lastSignedAnchor.anchoredAt }
            : null,
          eventsAfterLastSignedAnchor: report.eventsAfterLastSignedAnchor,
        }
      : {}),
  };
  return `${JSON.stringify(json)}\n`;
}

/** The line about what no signed anchor covers, with --public-key. */
function unanchoredLine(report: AuditReport): string | null {
  if (report.eventsAfterLastSignedAnchor === undefined) return null;
  const after = plural(report.eventsAfterLastSignedAnchor, 'event');
  return report.lastSignedAnchor
    ? `  ${after} after the last signed anchor (position ${report.lastSignedAnchor.position}, ${report.lastSignedAnchor.anchoredAt})`
    : `  no anchor signed under the public key: all ${after} are unanchored`;
}

async function verify(options: VerifyOptions): Promise<ExitCode> {
  // Files first: a bad one is bad usage (exit 2), decided before the store is opened.
  const anchors: Anchor[] = [];
  for (const path of options.anchor ?? []) anchors.push(parseAnchor(await readUserFile('anchor file', path), path));
  const publicKey = options.publicKey === undefined ? undefined : await readUserFile('public key', options.publicKey);
  // Checked here, so a bad key names its file.
  if (publicKey !== undefined) anchorPublicKey(publicKey, options.publicKey);
  return withStores(options, async ({ eventStore, description }) => {
    const meters = createStepMeters({ when: options.progress });
    const report = await withMeters(meters, () =>
      auditLog(eventStore, { anchors, ...(publicKey !== undefined ? { publicKey } : {}), onProgress: meters.report }),
    );
    if (options.format === 'json') {
      await printData(reportAsJson(description, report));
      return report.sound ? ExitCode.ok : ExitCode.refused;
    }
    const unanchored = unanchoredLine(report);
    if (!report.sound) {
      printInfo(`audit verify: ${description} is UNSOUND`);
      for (const finding of report.findings) printInfo(`  [${finding.check}] ${describeFinding(finding)}`);
      printInfo(`  (${plural(report.events, 'event')} read; checks failed: ${report.checks.filter((check) => check.status === 'failed').map((check) => check.name).join(', ')})`);
      if (unanchored) printInfo(unanchored);
      return ExitCode.refused;
    }
    await printData(
      [
        `audit verify: ${description} is sound`,
        `  ${plural(report.events, 'event')} in ${plural(report.streams, 'stream')}: every hash chain recomputed, every payload valid`,
        ...report.checks.map((check) => `  ${check.name}: ${check.status} (${check.detail})`),
        ...(unanchored ? [unanchored] : []),
        '',
      ].join('\n'),
    );
    return ExitCode.ok;
  }, { readOnly: true });
}

async function anchor(options: AnchorOptions): Promise<ExitCode> {
  const privateKey = options.key === undefined ? undefined : await readUserFile('private key', options.key);
  if (privateKey !== undefined) anchorPrivateKey(privateKey, options.key);
  return withStores(options, async ({ eventStore, description }) => {
    const taken = await createAnchor(eventStore, privateKey !== undefined ? { privateKey } : {});
    const text = anchorToJson(taken);
    if (options.out !== undefined) await writeData(options.out, text);
    if (eventStore.recordAnchor) {
      await eventStore.recordAnchor(taken);
      printInfo(`audit anchor: position ${taken.position} of ${description} anchored${taken.signature ? ', signed' : ' (unsigned)'}, recorded in the store; keep a copy outside it`);
    } else {
      printInfo(`audit anchor: position ${taken.position} of ${description} anchored${taken.signature ? ', signed' : ' (unsigned)'}; this store keeps no anchors: keep the file`);
    }
    await printData(text);
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
    await writeData(options.out, options.format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : renderTrailTable(entries));
    return ExitCode.ok;
  }, { readOnly: true });
}
