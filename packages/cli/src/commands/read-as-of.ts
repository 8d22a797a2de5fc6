/*
 * What `standings` and `summary` share: the as-of options, how a read model
 * is read (caught up, or replayed as of a moment), and the provenance a
 * report prints.
 */
import { isThiduaError, type EventStore, type Projection, type ProjectionStore } from '@thidua/eventsourcing';
import { describePastTheEnd, replayReadModelsAsOf, type ReadAsOf } from '@thidua/projections';
import type { Provenance } from '@thidua/render';
import { InvalidArgumentError, type Command } from 'commander';
import { catchUpReadModels } from '../catch-up';
import { UsageError } from '../exit-codes';
import type { OpenedStores } from '../open-store';
import { printInfo } from '../output';
import type { ProgressWhen } from '../progress';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function moment(option: string, value: string): string {
  if (DAY.test(value) || (INSTANT_WITH_OFFSET.test(value) && !Number.isNaN(Date.parse(value)))) return value;
  throw new UsageError(
    `${option} ${JSON.stringify(value)}: expected a day such as 2014-02-12, an ISO-8601 time with offset such as 2014-02-12T17:00:00+07:00, or a log position (an integer)`,
  );
}

/**
 * `--as-of`: business time, the events' own dates (a day or a time with
 * offset). A bare integer is still read as a log position, as it always was.
 */
export function parseAsOf(value: string): ReadAsOf {
  if (/^[0-9]+$/.test(value)) return { position: BigInt(value) };
  return { businessTime: moment('--as-of', value) };
}

/** `--as-recorded`: the store's clock (`recordedAt`), or a log position. */
export function parseAsRecorded(value: string): ReadAsOf {
  if (/^[0-9]+$/.test(value)) return { position: BigInt(value) };
  return { recordedAt: moment('--as-recorded', value) };
}

/** Parses `--year`: a four-digit year (commander reports a bad one as a usage error). */
export function parseYear(value: string): number {
  if (!/^[0-9]{4}$/.test(value)) throw new InvalidArgumentError('expected a four-digit year such as 2013');
  return Number(value);
}

/** The as-of options of a read command. */
export interface AsOfOptions {
  asOf?: string;
  asRecorded?: string;
}

/** Adds `--as-of` and `--as-recorded` to a read command. */
export function asOfOptions(command: Command): Command {
  return command
    .option('--as-of <iso>', 'as it was then, in business time (the events\' own dates): a day (2014-02-12) or a time with offset')
    .option('--as-recorded <iso|position>', "as it was then by the store's clock (recordedAt), or up to a log position (an integer)");
}

/** The moment asked for, if any; both at once is a usage error. */
export function asOfFrom(options: AsOfOptions): ReadAsOf | undefined {
  if (options.asOf !== undefined && options.asRecorded !== undefined) throw new UsageError('--as-of and --as-recorded cut the log by different clocks: give one of them');
  if (options.asOf !== undefined) return parseAsOf(options.asOf);
  if (options.asRecorded !== undefined) return parseAsRecorded(options.asRecorded);
  return undefined;
}

/** How a moment reads in a message and in a report's provenance. */
export function describeAsOf(asOf: ReadAsOf): string {
  if ('position' in asOf) return `position ${asOf.position}`;
  if ('businessTime' in asOf) return `business time ${String(asOf.businessTime)}`;
  return `recorded time ${String(asOf.recordedAt)}`;
}

/**
 * Runs `read` on read models that are current: the stored ones caught up
 * with the log (only `projections`), or, with `asOf`, the log replayed into
 * memory up to that moment (saying so when the moment is past the end).
 */
export async function readModels<T>(
  stores: OpenedStores,
  options: { projections: readonly Projection[]; asOf: ReadAsOf | undefined; progress: ProgressWhen | undefined },
  read: (projectionStore: ProjectionStore) => Promise<T>,
): Promise<T> {
  if (options.asOf === undefined) {
    const projectionStore = await stores.projectionStore();
    await catchUpReadModels(stores.eventStore, projectionStore, options.progress, options.projections.map((projection) => projection.name));
    return read(projectionStore);
  }
  const { projectionStore, cut } = await replayReadModelsAsOf({ eventStore: stores.eventStore, projections: options.projections, asOf: options.asOf });
  try {
    if (cut.pastTheEnd) printInfo(`note: ${describePastTheEnd(cut)}`);
    return await read(projectionStore);
  } finally {
    await projectionStore.close();
  }
}

/** Where a report comes from: now, the log position it reflects, and the hash of the event there. */
export async function provenanceOf(eventStore: EventStore, asOf: ReadAsOf | undefined): Promise<Provenance> {
  const head = await eventStore.headPosition();
  const position = head === null ? null : asOf !== undefined && 'position' in asOf && asOf.position < head ? asOf.position : head;
  const [event] = position === null ? [] : await eventStore.readAllPage({ fromPosition: position, maxCount: 1, raw: true });
  const hash = event !== undefined && event.position === position ? event.metadata.hash : null;
  const anchor = await latestSignedAnchor(eventStore);
  return {
    generatedAt: new Date().toISOString(),
    position: position === null ? null : position.toString(),
    ...(hash ? { headHash: hash } : {}),
    ...(asOf === undefined ? {} : { asOf: describeAsOf(asOf) }),
    ...(anchor ? { anchor } : {}),
  };
}

/**
 * The latest signed anchor the store recorded, as a report quotes it: its
 * position, time and tips digest. Not verified here (that takes the public
 * key: `audit verify`); a stored anchor that cannot be read is left out of a
 * report rather than failing it.
 */
async function latestSignedAnchor(eventStore: EventStore): Promise<string | null> {
  if (!eventStore.storedAnchors) return null;
  try {
    const signed = (await eventStore.storedAnchors()).filter((anchor) => anchor.signature !== undefined);
    const last = signed[signed.length - 1];
    return last ? `position ${last.position}, ${last.anchoredAt}, tips ${last.tipsDigest}` : null;
  } catch (error) {
    if (isThiduaError(error, 'invalid_anchor')) return null;
    throw error;
  }
}
