import type { RecordedEvent } from '../envelope/envelope';
import { ValidationError } from '../errors/errors';
import { UnsupportedOperationError } from '../errors/integrity-errors';
import { isThiduaError } from '../errors/thidua-error';
import type { AppendResult, MultiStreamAppendResult, StreamAppendRequest } from '../event-store/event-store';
import { checkExpectedRevision, type ExpectedRevision } from '../event-store/expected-revision';
import { sealEvents } from '../hash-chain/hash-chain';
import type { EventRegistry } from '../registry/event-registry';
import type { EventStoreDriver } from './event-store-driver';
import { findIdenticalAppend } from './identical-append';
import { prepareEvents, type PreparedEvent } from './prepare-events';

/**
 * The kernel's side of `EventStore.appendToStreams`: the same checks as a
 * single append for every request, ids unique across the whole call, then
 * one `driver.appendMany`. A refusal that is only a re-run of the same call
 * (every stream already holds exactly its events where they were asked
 * for) answers with their first recording instead.
 */
export async function appendToStreams(
  driver: EventStoreDriver,
  registry: EventRegistry | undefined,
  requests: readonly StreamAppendRequest[],
): Promise<MultiStreamAppendResult> {
  if (driver.capabilities.multiStreamAppend !== true || !driver.appendMany) {
    throw new UnsupportedOperationError('appendToStreams', driver.name, 'it declares no atomic multi-stream append; append to each stream on its own');
  }
  if (!Array.isArray(requests) || requests.length === 0) {
    throw new ValidationError('Nothing to append', [{ path: 'requests', message: 'must hold at least one request' }]);
  }
  const prepared = requests.map((request, index) => prepareRequest(request, index, registry));
  refuseDuplicateIds(prepared);
  const expectations = requests.map((request): ExpectedRevision => request.expectedRevision ?? 'any');
  try {
    const recorded = await driver.appendMany(
      requests.map((request, index) => ({
        streamId: request.streamId,
        seal: (tip) => {
          checkExpectedRevision(request.streamId, expectations[index]!, tip.revision);
          return sealEvents(request.streamId, tip, prepared[index]!);
        },
      })),
    );
    if (recorded.length !== requests.length || recorded.some((events) => events.length === 0)) {
      throw new Error(`Driver ${driver.name} recorded no events for a request of its multi-stream append`);
    }
    return resultOf(recorded, false);
  } catch (error) {
    const replay = await findIdenticalCall(driver, requests, expectations, prepared, error);
    if (replay) return replay;
    throw error;
  }
}

/** `prepareEvents` for one request, its errors naming the request. */
function prepareRequest(request: StreamAppendRequest, index: number, registry: EventRegistry | undefined): PreparedEvent[] {
  if (!request || typeof request !== 'object') {
    throw new ValidationError(`Request #${index} is not an object`, [{ path: `requests.${index}`, message: 'must be { streamId, events }' }]);
  }
  try {
    return prepareEvents(request.streamId, Array.isArray(request.events) ? request.events : [], registry);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      `Request #${index} (${String(request.streamId)}): ${error.message}`,
      error.issues.map((issue) => ({ ...issue, path: `requests.${index}.${issue.path}` })),
      { cause: error },
    );
  }
}

function refuseDuplicateIds(prepared: readonly PreparedEvent[][]): void {
  const seen = new Set<string>();
  prepared.forEach((events, index) => {
    for (const event of events) {
      if (seen.has(event.id)) {
        throw new ValidationError(`Duplicate event id ${event.id} in one append (request #${index})`, [
          { path: `requests.${index}.events`, message: 'event ids must be unique across the whole call' },
        ]);
      }
      seen.add(event.id);
    }
  });
}

function resultOf(recorded: readonly RecordedEvent[][], alreadyAppended: boolean): MultiStreamAppendResult {
  let position = 0n;
  const results = recorded.map((events): AppendResult => {
    const last = events[events.length - 1]!;
    if (last.position > position) position = last.position;
    return { nextExpectedRevision: last.revision, position: last.position, events: [...events], alreadyAppended };
  });
  return { results, position, alreadyAppended };
}

/**
 * After a refusal: the first recording of the whole call when every stream
 * already holds all of its events, in order and unchanged, where the call's
 * first request for that stream asked for them; `null` otherwise. A stream's
 * requests are looked at together, since each was sealed on the one before.
 */
async function findIdenticalCall(
  driver: EventStoreDriver,
  requests: readonly StreamAppendRequest[],
  expectations: readonly ExpectedRevision[],
  prepared: readonly PreparedEvent[][],
  refusal: unknown,
): Promise<MultiStreamAppendResult | null> {
  if (!isThiduaError(refusal, 'concurrency') && !isThiduaError(refusal, 'duplicate_event_id')) return null;
  const byStream = new Map<string, { expected: ExpectedRevision; events: PreparedEvent[]; requests: number[] }>();
  requests.forEach((request, index) => {
    const entry = byStream.get(request.streamId);
    if (entry) {
      entry.events.push(...prepared[index]!);
      entry.requests.push(index);
    } else byStream.set(request.streamId, { expected: expectations[index]!, events: [...prepared[index]!], requests: [index] });
  });
  const recorded: RecordedEvent[][] = new Array<RecordedEvent[]>(requests.length);
  for (const [streamId, entry] of byStream) {
    const found = await findIdenticalAppend(driver, streamId, entry.expected, entry.events, refusal);
    if (!found) return null;
    let offset = 0;
    for (const index of entry.requests) {
      const count = prepared[index]!.length;
      recorded[index] = found.events.slice(offset, offset + count);
      offset += count;
    }
  }
  return resultOf(recorded, true);
}
