/**
 * A store package that is not installed: the CLI says what to install
 * (exit code 2) instead of failing with a module stack. The package is made
 * unloadable here the way npm leaves it when the optional peer was skipped.
 */
import { runMain } from './run-cli.test-helper';

jest.mock('@thidua/store-postgres', () => {
  throw Object.assign(new Error("Cannot find module '@thidua/store-postgres' from 'open-store.ts'"), { code: 'MODULE_NOT_FOUND' });
});

describe('a store package that is not installed', () => {
  it('is a usage error naming the package to install', async () => {
    const run = await runMain(['--store', 'postgres://db.example/thidua', 'list']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: --store postgres://db.example/thidua needs the @thidua/store-postgres package, which is not installed: npm install @thidua/store-postgres (beside @thidua/cli)\n',
    );
    const json = await runMain(['--store', 'postgres://db.example/thidua', 'list', '--format', 'json']);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'store_package_missing' }, exitCode: 2 });
  });

  it('does not affect the stores whose package is there', async () => {
    expect((await runMain(['--store', 'memory:', 'list'])).code).toBe(0);
  });
});
