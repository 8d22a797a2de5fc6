import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildProcess, type ChildProcessHandle } from './child-process';
import type { StoreLocation, StoreTarget } from './store-target';

/** What a store child does; see `store-child.ts` for each one's lines and parameters. */
export type StoreChildRole = 'appender' | 'projector' | 'replica' | 'commander' | 'writer' | 'reader' | 'opener';

/** The environment a store child reads: which store, where, what to do, and where its flag files are. */
export const CHILD_ENV = {
  module: 'THIDUA_CHILD_STORE_MODULE',
  location: 'THIDUA_CHILD_STORE_LOCATION',
  role: 'THIDUA_CHILD_ROLE',
  name: 'THIDUA_CHILD_NAME',
  params: 'THIDUA_CHILD_PARAMS',
  flags: 'THIDUA_CHILD_FLAGS',
} as const;

/** The flag file that releases a child frozen inside a write (see `FreezeOptions.released`). */
export const releaseFlag = (child: string): string => `release-${child}`;

/** Children of one test on one store, and the folder of flag files they coordinate through. */
export interface StoreChildren {
  /** Starts a child in `role`; `name` must be unique in the test (it is the lease owner and the flag suffix). */
  start(role: StoreChildRole, name: string, params?: Readonly<Record<string, unknown>>): ChildProcessHandle;
  /** Creates a flag file: children watching for it see it at once, even from inside a frozen write. */
  raise(flag: string): void;
  /** Removes the flag folder (the children are the caller's to kill). */
  dispose(): void;
}

/**
 * Starts store children for one test: each loads `target` from its module
 * and opens the store at `location`, as the parent does.
 */
export function storeChildren(target: StoreTarget, location: StoreLocation): StoreChildren {
  const flags = mkdtempSync(join(tmpdir(), 'thidua-flags-'));
  return {
    start(role, name, params = {}) {
      return startChildProcess(join(__dirname, `store-child${__filename.endsWith('.ts') ? '.ts' : '.js'}`), {
        name,
        env: {
          [CHILD_ENV.module]: target.module,
          [CHILD_ENV.location]: JSON.stringify(location),
          [CHILD_ENV.role]: role,
          [CHILD_ENV.name]: name,
          [CHILD_ENV.params]: JSON.stringify(params),
          [CHILD_ENV.flags]: flags,
        },
      });
    },
    raise(flag) {
      writeFileSync(join(flags, flag), '');
    },
    dispose() {
      rmSync(flags, { recursive: true, force: true });
    },
  };
}
