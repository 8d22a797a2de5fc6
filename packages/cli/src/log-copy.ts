import { createInMemoryEventStore, metadataWithoutHashes, type EventStore, type NewEvent } from '@thidua/eventsourcing';
import { thiduaRegistry } from '@thidua/domain';

/** Events appended per call at most while copying: bounded work per append. */
const MAX_RUN = 500;

/**
 * An in-memory copy of a store's whole log, event for event: the same
 * streams, revisions, ids, payloads and metadata, so the same hashes. What
 * `exec --dry-run` decides against: every rule sees the real log, and
 * nothing reaches the real store.
 */
export async function copyLogIntoMemory(source: EventStore): Promise<EventStore> {
  const copy = createInMemoryEventStore({ registry: thiduaRegistry });
  let run: { streamId: string; first: bigint; events: NewEvent[] } | null = null;
  const flush = async () => {
    if (!run) return;
    const { streamId, first, events } = run;
    run = null;
    await copy.appendToStream(streamId, events, { expectedRevision: first === 0n ? 'no_stream' : first - 1n });
  };
  // Raw: the payloads as stored (not upcast), or the copied hashes would differ.
  for await (const event of source.readAll({ raw: true })) {
    if (run && (run.streamId !== event.streamId || run.events.length >= MAX_RUN)) await flush();
    run ??= { streamId: event.streamId, first: event.revision, events: [] };
    run.events.push({
      id: event.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: metadataWithoutHashes(event.metadata),
    });
  }
  await flush();
  return copy;
}
