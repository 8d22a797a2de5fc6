import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const RUNNER = join(__dirname, '../../../../tools/run-ts.js');

/** A TypeScript fixture running in its own `node` process, read line by line. */
export interface Child {
  readonly process: ChildProcess;
  /** Lines printed so far. */
  readonly lines: string[];
  /** Resolves with the first line (already printed or to come) that matches; rejects if the child exits first. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

const running = new Set<Child>();

/** Starts `__fixtures__/<script>` with `args`. */
export function startChild(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, [RUNNER, join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<{ match: (line: string) => boolean; resolve: (line: string) => void }>();
  let buffered = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  const handle: Child = {
    process: child,
    lines,
    exited,
    waitForLine(match) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.add({ match, resolve });
        void exited.then(({ code, signal, stderr: err }) => {
          reject(new Error(`${script} exited (${code ?? signal}) before the expected line; stderr:\n${err}`));
        });
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Kills every child still running (for afterEach, so a failed test leaves no process behind). */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.kill()));
}
