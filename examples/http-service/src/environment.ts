import { ValidationError, type ValidationIssue } from '@thidua/eventsourcing';

/** What `main.ts` reads from the environment. */
export interface ServiceEnvironment {
  connectionString: string;
  schema: string;
  port: number;
  host: string;
}

/**
 * Reads the service's settings: `DATABASE_URL` (required), `THIDUA_SCHEMA`
 * (default `thidua`), `PORT` (default 3000), `HOST` (default `127.0.0.1`;
 * `0.0.0.0` to listen on every interface, as in a container). Every problem
 * is reported at once, as a `validation_failed` naming the variables.
 */
export function serviceEnvironment(env: Readonly<Record<string, string | undefined>>): ServiceEnvironment {
  const issues: ValidationIssue[] = [];
  const connectionString = env['DATABASE_URL'] ?? '';
  if (!/^postgres(ql)?:\/\//.test(connectionString)) {
    issues.push({ path: 'DATABASE_URL', message: 'is required: postgres://user@host:5432/database' });
  }
  const portText = env['PORT'] ?? '3000';
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) issues.push({ path: 'PORT', message: 'must be a port number, 0 to 65535' });
  const schema = env['THIDUA_SCHEMA'] ?? 'thidua';
  const host = env['HOST'] ?? '127.0.0.1';
  if (issues.length > 0) {
    throw new ValidationError(`Invalid environment: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  }
  return { connectionString, schema, port, host };
}
