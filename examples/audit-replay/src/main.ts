/**
 * `node dist/main.js <export.ndjson> <as-of> [--bloc <id>] [--year <yyyy>] [--format table|json]`
 *
 * Verifies an export and prints the standings as of a business date. Exit
 * code 0: sound; 1: a line does not verify (named on stderr); 2: usage.
 */
import { runAuditReplayCli } from './cli';

runAuditReplayCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
