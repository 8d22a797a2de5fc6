import {
  applyImport,
  CorruptLogError,
  createInMemoryEventStore,
  planImport,
  toNdjsonLine,
  type EventStore,
  type NdjsonLines,
} from '@thidua/eventsourcing';
import { thiduaRegistry } from '@thidua/domain';

/**
 * An in-memory copy of a store's whole log, event for event: the same
 * streams, revisions, ids, payloads and metadata, so the same hashes. What
 * `exec --dry-run` decides against: every rule sees the real log, and
 * nothing reaches the real store. The copy is an import of the store's own
 * export, so it is checked on the way like any import (a store whose log no
 * longer verifies is reported, not decided against).
 */
export async function copyLogIntoMemory(source: EventStore): Promise<EventStore> {
  const copy = createInMemoryEventStore({ registry: thiduaRegistry });
  // Raw: the payloads as stored (not upcast), or the copied hashes would differ.
  const lines: NdjsonLines = async function* exported() {
    let lineNumber = 0;
    for await (const event of source.readAll({ raw: true })) yield { lineNumber: (lineNumber += 1), text: toNdjsonLine(event) };
  };
  const plan = await planImport({ lines, eventStore: copy, registry: thiduaRegistry });
  const bad = plan.badLines[0];
  if (bad !== undefined) {
    throw new CorruptLogError(bad.streamId ?? '(log)', bad.revision ?? null, `event number ${bad.lineNumber} of the store's log does not verify (${bad.reason}); run thidua audit verify`);
  }
  await applyImport({ lines, eventStore: copy, plan });
  return copy;
}
