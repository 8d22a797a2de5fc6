import { writeSync } from 'node:fs';

/** What a replica fixture (the child side of `replica-process.ts`) reads from its environment. */
export function replicaEnv(): { connectionString: string; name: string; get(key: string): string } {
  const get = (key: string) => {
    const value = process.env[key];
    if (value === undefined) throw new Error(`replica fixture: ${key} is not set`);
    return value;
  };
  return { connectionString: get('THIDUA_REPLICA_URL'), name: get('THIDUA_REPLICA_NAME'), get };
}

/** One line to the parent, written synchronously so it is out before anything that follows (a SIGKILL included). */
export function say(line: string): void {
  writeSync(1, `${line}\n`);
}

/** Lines the parent sends on stdin, one callback per line. */
export function onParentLine(handle: (line: string) => void): void {
  let buffered = '';
  process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) handle(line);
  });
}

/** Runs `main`, and exits 1 with the error on stderr if it fails. */
export function runFixture(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
