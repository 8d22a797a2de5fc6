import type { StoreCapabilities } from '../event-store/event-store';
import { killChildProcesses } from './child-process';
import { storeChildren, type StoreChildren } from './store-children';
import type { OpenStoreOptions, StoreHandles, StoreLocation, StoreTarget } from './store-target';

/** A safety net for tests that run processes: generous, since the machine may be shared and slow. */
export const PROCESS_TEST_TIMEOUT_MS = 180_000;

/** One test's store, its children, and the handles this process opened on it. */
export interface ProcessTestContext {
  readonly location: StoreLocation;
  readonly children: StoreChildren;
  /** Opens handles on the test's store in this process; closed after the test. */
  open(options?: OpenStoreOptions): StoreHandles;
  /** Runs `stop` after the test, before the handles close, even when it failed (a runner this process started). */
  defer(stop: () => Promise<void>): void;
}

/**
 * Reads the target's capabilities from a store it opens, while jest is still
 * collecting tests (so that the flags can decide which tests exist). The
 * probe is closed, and its store removed, after the suite.
 */
export function probeCapabilities(target: StoreTarget): StoreCapabilities {
  const location = target.create();
  const probe = target.open(location);
  afterAll(async () => {
    try {
      await probe.close();
    } finally {
      await target.remove(location);
    }
  });
  return probe.eventStore.capabilities;
}

/**
 * A fresh store for every test of the enclosing `describe`, with its
 * children killed and its handles closed afterwards, even when the test
 * failed half-way. Call inside a `describe`; read `current()` inside tests.
 */
export function processTestContext(target: StoreTarget): () => ProcessTestContext {
  let context: (ProcessTestContext & { dispose(): Promise<void> }) | null = null;
  beforeEach(() => {
    const location = target.create();
    const children = storeChildren(target, location);
    const opened: StoreHandles[] = [];
    const deferred: (() => Promise<void>)[] = [];
    context = {
      location,
      children,
      open(options) {
        const handles = target.open(location, options);
        opened.push(handles);
        return handles;
      },
      defer(stop) {
        deferred.push(stop);
      },
      async dispose() {
        await killChildProcesses();
        try {
          // A runner that fails to stop must not keep the handles open: the test itself reports what went wrong.
          for (const stop of deferred.splice(0).reverse()) await stop().catch(() => undefined);
          await Promise.all(opened.map((handles) => handles.close()));
        } finally {
          children.dispose();
          await target.remove(location);
        }
      },
    };
  });
  afterEach(async () => {
    await context?.dispose();
    context = null;
  });
  return () => {
    if (!context) throw new Error('processTestContext: read it inside a test');
    return context;
  };
}

/**
 * A suite of process tests on `target`: `body` declares its tests when the
 * store is durable (read from the store itself); a store that is not gets
 * one test instead, `notDurable`, that it indeed keeps nothing.
 */
export function describeProcessSuite(
  title: string,
  target: StoreTarget,
  notDurable: string,
  body: (current: () => ProcessTestContext, capabilities: StoreCapabilities) => void,
): void {
  describe(title, () => {
    const capabilities = probeCapabilities(target);
    if (capabilities.durable) body(processTestContext(target), capabilities);
    else itForgetsWhenReopened(target, notDurable);
  });
}

/**
 * What a store that declares itself not durable must show: what one handle
 * appended is gone once every handle is closed and the store is opened again.
 */
export function itForgetsWhenReopened(target: StoreTarget, title: string): void {
  it(title, async () => {
    const location = target.create();
    try {
      const first = target.open(location);
      await first.eventStore.appendToStream('kept-or-not', [{ type: 'Counted', data: {} }]);
      expect(await first.eventStore.headPosition()).not.toBeNull();
      await first.close();
      const again = target.open(location);
      try {
        expect(await again.eventStore.headPosition()).toBeNull();
        expect(await again.eventStore.streamRevision('kept-or-not')).toBeNull();
      } finally {
        await again.close();
      }
    } finally {
      await target.remove(location);
    }
  });
}
