import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from './postgres-test-env';

const RUNNER = join(__dirname, '../../../../tools/run-ts.js');

/** A replica: a TypeScript fixture in its own `node` process, talking through stdout lines and stdin commands. */
export interface Replica {
  /** The name its database sessions carry as `application_name`. */
  readonly name: string;
  readonly pid: number;
  /** Lines printed so far. */
  readonly lines: string[];
  /** The first line (already printed or to come) that matches; rejects when the process exits first or after `timeoutMs`. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /**
   * Reads the output in order: the first matching line after the one the
   * previous `nextLine` returned, skipping those in between.
   */
  nextLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends one line to its stdin. */
  send(line: string): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

const running = new Set<Replica>();

/**
 * Starts `__fixtures__/<script>` under plain node with `env` (every value a
 * string), connected to the test database as `application_name = name`.
 */
export function startReplica(script: string, name: string, env: Record<string, string>): Replica {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('application_name', name);
  const child: ChildProcess = spawn(process.execPath, [RUNNER, join(__dirname, script)], {
    env: { ...process.env, ...env, THIDUA_REPLICA_URL: url.toString(), THIDUA_REPLICA_NAME: name },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ match: (line: string, index: number) => boolean; resolve: (line: string, index: number) => void }>();
  let cursor = 0;
  let buffered = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      const index = lines.push(line) - 1;
      for (const waiter of [...waiters]) {
        if (waiter.match(line, index)) {
          waiters.delete(waiter);
          waiter.resolve(line, index);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // A child killed while we write to it must not turn EPIPE into an uncaught error here.
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  function waitFor(match: (line: string, index: number) => boolean, timeoutMs: number): Promise<{ line: string; index: number }> {
    const seen = lines.findIndex(match);
    if (seen >= 0) return Promise.resolve({ line: lines[seen]!, index: seen });
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (line: string, index: number) => {
          clearTimeout(timer);
          resolve({ line, index });
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
        reject(new Error(`${name} exited (${code ?? signal}) before the expected line; stderr:\n${stderr}`));
      });
    });
  }
  const replica: Replica = {
    name,
    pid: child.pid!,
    lines,
    exited,
    waitForLine(match, timeoutMs = 20_000) {
      return waitFor((line) => match(line), timeoutMs).then(({ line }) => line);
    },
    async nextLine(match, timeoutMs = 20_000) {
      const from = cursor;
      const found = await waitFor((line, index) => index >= from && match(line), timeoutMs);
      cursor = found.index + 1;
      return found.line;
    },
    send(line) {
      child.stdin!.write(`${line}\n`);
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(replica);
  void exited.then(() => running.delete(replica));
  return replica;
}

/** SIGKILLs every replica still running: for afterEach, so a failed test leaves no process behind. */
export async function killAllReplicas(): Promise<void> {
  await Promise.all([...running].map((replica) => replica.kill()));
}
