import { parseArgs } from 'node:util';
import { isThiduaError } from '@thidua/eventsourcing';
import { renderStandingsTable } from '@thidua/render';
import { auditReplay, type AuditReplayResult } from './audit-replay';

/** Where the CLI writes: injectable so tests read what a user would see. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The usage line of `main.ts`. */
export const USAGE = 'usage: audit-replay <export.ndjson> <as-of: 2014-02-01 | 2014-02-01T12:00:00+07:00> [--bloc <id>] [--year <yyyy>] [--format table|json]';

/**
 * Runs the auditor's replay from command-line arguments and returns the exit
 * code: 0 when the log is sound (the standings follow), 1 when a line does not
 * verify (it is named), 2 for a usage error.
 */
export async function runAuditReplayCli(argv: readonly string[], out: CliOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { bloc: { type: 'string' }, year: { type: 'string' }, format: { type: 'string', default: 'table' } },
    });
  } catch (error) {
    out.stderr(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const [file, asOf, ...extra] = parsed.positionals;
  const { bloc, year, format } = parsed.values;
  if (file === undefined || asOf === undefined || extra.length > 0 || (format !== 'table' && format !== 'json') || (year !== undefined && !/^[0-9]{4}$/.test(year))) {
    out.stderr(`${USAGE}\n`);
    return 2;
  }

  let result: AuditReplayResult;
  try {
    result = await auditReplay({ file, asOf, ...(bloc === undefined ? {} : { blocId: bloc }), ...(year === undefined ? {} : { year: Number(year) }) });
  } catch (error) {
    if (isThiduaError(error, 'validation_failed')) {
      out.stderr(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    out.stderr(`audit-replay: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  if (!result.sound) {
    const { lineNumber, streamId, revision, reason } = result.firstBadLine;
    const where = streamId === undefined ? '' : ` (${streamId}@${String(revision)})`;
    out.stderr(`${file} does NOT verify: line ${lineNumber}${where}: ${reason}\n(${result.events} lines verified before it; nothing replayed)\n`);
    return 1;
  }
  if (format === 'json') {
    out.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  const cut = result.asOf.kind === 'day' ? `the end of ${result.asOf.day}` : result.asOf.instant;
  out.stdout(
    `${file} verifies: ${result.events} events in ${result.streams} streams, every hash chain recomputed, every payload valid.\n` +
      `As of ${cut} (business time): ${result.included} events replayed, ${result.excluded} later ones left out.\n\n`,
  );
  if (result.standings.length === 0) out.stdout('No campaign had been launched by then.\n');
  for (const standings of result.standings) out.stdout(`${renderStandingsTable(standings)}\n`);
  return 0;
}
