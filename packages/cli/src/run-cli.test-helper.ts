/**
 * Runs `thidua` for the CLI's tests: in-process through `main()` from the
 * TypeScript sources (what most tests do: no build needed, nothing stale),
 * or as a user runs it, the built bin in a child process (a few end-to-end
 * tests: `npx tsc -b` first, as `npm ci` and CI do).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { smallCampaign } from '@thidua/domain/testing';
import { main } from './main';

/** The committed entry point npm links as `thidua`. */
export const CLI_BIN = resolve(__dirname, '..', 'bin', 'thidua.js');
const BUILT_MAIN = resolve(__dirname, '..', 'dist', 'main.js');

/** What a run printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A stream that keeps what is written to it. */
class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/**
 * Runs `main(args)` in this process with its own stdout, stderr and stdin
 * (`stdin`, or an empty one). Relative `sqlite:` paths would resolve against
 * jest's working directory: tests pass absolute ones.
 */
export async function runMain(args: readonly string[], options: { stdin?: string } = {}): Promise<CliRun> {
  const stdout = new Collector();
  const stderr = new Collector();
  const stdin = options.stdin === undefined ? Readable.from([]) : Readable.from([options.stdin]);
  const code = await main(args, { stdout, stderr, stdin: stdin.pipe(new PassThrough()) });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Fails with instructions when the CLI has not been built, rather than with a confusing "module not found". */
export function assertCliBuilt(): void {
  if (!existsSync(BUILT_MAIN)) {
    throw new Error(`${BUILT_MAIN} is missing: build first (npx tsc -b; npm ci does it through the root prepare script)`);
  }
}

/**
 * Runs the built `node bin/thidua.js …args` in `cwd`, with `THIDUA_STORE`
 * unset unless `env` sets it, and resolves when the process has exited.
 */
export function runBin(args: readonly string[], options: { cwd: string; env?: Record<string, string>; stdin?: string }): Promise<CliRun> {
  assertCliBuilt();
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.env?.['THIDUA_STORE'] === undefined) delete env['THIDUA_STORE'];
  // The child must not believe it is on a terminal: progress then comes as plain lines.
  delete env['FORCE_COLOR'];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** A fresh working directory for one test file; `file(name)` is a path in it, `store(name)` an SQLite URL. */
export async function tempWorkdir(prefix: string): Promise<{ path: string; file(name: string): string; store(name: string): string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `thidua-cli-${prefix}-`));
  return {
    path,
    file: (name) => join(path, name),
    store: (name) => `sqlite:${join(path, name)}`,
    remove: () => rm(path, { recursive: true, force: true }),
  };
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

/** The small campaign of `@thidua/domain/testing` the CLI tests run: three units, the whole year, 25 events in 5 streams. */
export const CAMPAIGN = smallCampaign('cli');
/** `standings --bloc … --year …` of {@link CAMPAIGN}. */
export const STANDINGS_QUERY = ['standings', '--bloc', CAMPAIGN.blocId, '--year', String(CAMPAIGN.year)] as const;

/** Writes {@link CAMPAIGN}'s commands, the whole year, as a `thidua exec` file; returns its path. */
export async function writeCampaignFile(path: string): Promise<string> {
  await writeFile(path, asLines([...CAMPAIGN.commands, ...CAMPAIGN.yearEndCommands]));
  return path;
}
