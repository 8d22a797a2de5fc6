import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** How a child process ended, with everything it wrote to stderr. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * A script running in its own `node` process, spoken to in lines: it prints
 * lines on stdout (see {@link say}) and reads lines from stdin (see
 * {@link onParentLine}).
 */
export interface ChildProcessHandle {
  /** A label for messages (and for the database sessions of store children). */
  readonly name: string;
  readonly pid: number;
  /** Lines printed so far. */
  readonly lines: readonly string[];
  /**
   * The first line, already printed or to come, that matches. Rejects when
   * the process exits first, or after `timeoutMs` (a safety net: default 60 s).
   */
  waitForLine(match: (line: string) => boolean, options?: { timeoutMs?: number }): Promise<string>;
  /** Reads the output in order: the first matching line after the one the previous `nextLine` returned. */
  nextLine(match: (line: string) => boolean, options?: { timeoutMs?: number }): Promise<string>;
  /** Sends one line to its stdin. */
  send(line: string): void;
  /** Resolves once the process has ended. */
  readonly exited: Promise<ChildExit>;
  /** Sends `signal` (default SIGKILL: no cleanup, no flush, as a crash) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<ChildExit>;
}

/** Options of {@link startChildProcess}. */
export interface StartChildOptions {
  name?: string;
  args?: readonly string[];
  /** Added to this process's environment. */
  env?: Readonly<Record<string, string>>;
}

const DEFAULT_LINE_TIMEOUT_MS = 60_000;
const running = new Set<ChildProcessHandle>();

/**
 * Starts `script` under plain `node`. A `.ts` script runs through the
 * repository's `tools/run-ts.js` (which compiles on require and maps
 * `@thidua/*` to the sources, as jest does), so no build is needed; a `.js`
 * script runs as it is. Every child started here is tracked, so that
 * {@link killChildProcesses} in an `afterEach` leaves no process behind.
 *
 * @example
 * const child = startChildProcess(join(__dirname, 'writer.ts'), { args: [file] });
 * await child.waitForLine((line) => line === 'ready');
 * await child.kill();
 */
export function startChildProcess(script: string, options: StartChildOptions = {}): ChildProcessHandle {
  const name = options.name ?? script;
  const argv = script.endsWith('.ts') ? [typeScriptRunner(), script] : [script];
  const child = spawn(process.execPath, [...argv, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ match: (line: string, index: number) => boolean; found(index: number): void }>();
  let cursor = 0;
  let buffered = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      const index = lines.push(line) - 1;
      for (const waiter of [...waiters]) if (waiter.match(line, index)) waiter.found(index);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // A child killed while we write to it must not turn EPIPE into an uncaught error here.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<ChildExit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });

  function find(match: (line: string, index: number) => boolean, timeoutMs: number): Promise<number> {
    const seen = lines.findIndex(match);
    if (seen >= 0) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        found(index: number) {
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(index);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`${name}: no expected line within ${timeoutMs} ms; last lines: ${lines.slice(-5).join(' | ')}; stderr: ${stderr}`));
      }, timeoutMs);
      waiters.add(waiter);
      void exited.then(({ code, signal }) => {
        if (!waiters.delete(waiter)) return;
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before the expected line; last lines: ${lines.slice(-5).join(' | ')}; stderr:\n${stderr}`));
      });
    });
  }

  const handle: ChildProcessHandle = {
    name,
    pid: child.pid ?? -1,
    lines,
    exited,
    async waitForLine(match, waitOptions = {}) {
      const index = await find((line) => match(line), waitOptions.timeoutMs ?? DEFAULT_LINE_TIMEOUT_MS);
      return lines[index]!;
    },
    async nextLine(match, waitOptions = {}) {
      const from = cursor;
      const index = await find((line, at) => at >= from && match(line), waitOptions.timeoutMs ?? DEFAULT_LINE_TIMEOUT_MS);
      cursor = index + 1;
      return lines[index]!;
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** SIGKILLs every child still running and waits for them: for `afterEach`, so a failed test leaves no process behind. */
export async function killChildProcesses(): Promise<void> {
  await Promise.all([...running].map((child) => child.kill()));
}

let runner: string | undefined;

/** `tools/run-ts.js` of the repository this file lives in, found by walking up from here. */
function typeScriptRunner(): string {
  if (runner !== undefined) return runner;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'tools', 'run-ts.js');
    if (existsSync(candidate)) return (runner = candidate);
    if (dirname(dir) === dir) {
      throw new Error(`No tools/run-ts.js above ${__dirname}: a TypeScript child needs it (or give a compiled .js script)`);
    }
  }
}
