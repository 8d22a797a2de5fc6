import type { EventStoreDriver } from '../driver/event-store-driver';
import { StoreUnavailableError } from '../errors/store-unavailable';

/** A switch for {@link lostReplies}: which appends lose their reply. */
export interface LostReplies {
  /** Pass as the store's `wrapDriver` option. */
  wrapDriver(driver: EventStoreDriver): EventStoreDriver;
  /** The next `count` appends commit, then fail as if the connection dropped before the reply arrived. */
  loseNextReplies(count?: number): void;
  /** How many replies were lost so far. */
  readonly lost: number;
}

/**
 * A driver decorator that loses replies: a chosen append (single or
 * multi-stream) runs in full (it
 * commits), and then the caller gets a transient `StoreUnavailableError`
 * instead of the result, as when a connection drops after the server
 * answered. What a re-append of the same events does next is what the
 * integrity suite checks: nothing appended, the first events returned.
 *
 * @example
 * const replies = lostReplies();
 * const store = createInMemoryEventStore({ wrapDriver: replies.wrapDriver });
 * replies.loseNextReplies();
 * await store.appendToStream('s-1', events).catch(() => undefined); // committed, reply lost
 * const again = await store.appendToStream('s-1', events); // again.alreadyAppended === true
 */
export function lostReplies(): LostReplies {
  let toLose = 0;
  let lost = 0;
  return {
    get lost() {
      return lost;
    },
    loseNextReplies(count = 1) {
      toLose += count;
    },
    wrapDriver(driver) {
      /** The reply of a committed write, or the failure it is replaced by when a reply is to be lost. */
      const reply = <T>(recorded: T): T => {
        if (toLose === 0) return recorded;
        toLose -= 1;
        lost += 1;
        throw new StoreUnavailableError(driver.name, {
          transient: true,
          message: 'the connection dropped after the append committed (a lost reply, simulated)',
        });
      };
      const wrapped: EventStoreDriver = {
        name: driver.name,
        capabilities: driver.capabilities,
        async append(streamId, seal) {
          return reply(await driver.append(streamId, seal));
        },
        readStreamPage: (streamId, options) => driver.readStreamPage(streamId, options),
        readAllPage: (options) => driver.readAllPage(options),
        streamRevision: (streamId) => driver.streamRevision(streamId),
        headPosition: () => driver.headPosition(),
        close: () => driver.close(),
      };
      // Optional members stay absent when the driver has none: the kernel picks its fallback by their presence.
      if (driver.onAppended) wrapped.onAppended = (listener) => driver.onAppended!(listener);
      if (driver.subscribeToAll) wrapped.subscribeToAll = (options) => driver.subscribeToAll!(options);
      if (driver.appendMany) wrapped.appendMany = async (requests) => reply(await driver.appendMany!(requests));
      return wrapped;
    },
  };
}
