/**
 * Prints a bearer token for one actor, for trying the service out:
 * `THIDUA_TOKEN_SECRET=… node dist/issue-token.js --id hdtdkt --role council`.
 * In production the host's identity provider issues the tokens.
 */
import { issueToken } from './token-command';

try {
  process.stdout.write(`${issueToken(process.argv.slice(2), process.env)}\n`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
