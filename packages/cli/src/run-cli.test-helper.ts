/**
 * Runs the BUILT `thidua` binary as a child process, the way a user runs it.
 * The tests therefore need `packages/cli/dist`: `npm ci` builds it (the root
 * `prepare` script runs `tsc -b`), and so does `npx tsc -b packages/cli`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The committed entry point npm links as `thidua`. */
export const CLI_BIN = resolve(__dirname, '..', 'bin', 'thidua.js');
const BUILT_MAIN = resolve(__dirname, '..', 'dist', 'main.js');

/** What a run printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Fails with instructions when the CLI has not been built, rather than with a confusing "module not found". */
export function assertCliBuilt(): void {
  if (!existsSync(BUILT_MAIN)) {
    throw new Error(`${BUILT_MAIN} is missing: build the CLI first (npx tsc -b packages/cli; npm ci does it through the root prepare script)`);
  }
}

/**
 * Runs `node bin/thidua.js …args` in `cwd`, with `THIDUA_STORE` unset unless
 * `env` sets it, and resolves when the process has exited.
 */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  assertCliBuilt();
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.env?.['THIDUA_STORE'] === undefined) delete env['THIDUA_STORE'];
  // The child must not believe it is on a terminal: progress then comes as plain lines.
  delete env['FORCE_COLOR'];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** A fresh working directory for one test file; `remove()` deletes it. */
export async function tempWorkdir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `thidua-cli-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes lines as a file body: one per line, with a final newline. */
export function asLines(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join('\n') + '\n';
}

/** The events of an NDJSON export without their `recordedAt` (the target store's clock): what two stores' exports share. */
export function exportedWithoutRecordedAt(ndjson: string): Record<string, unknown>[] {
  return ndjson
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const { recordedAt: _recordedAt, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}
