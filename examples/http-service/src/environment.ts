import { ValidationError, type ValidationIssue } from '@thidua/eventsourcing';
import { MIN_TOKEN_SECRET_BYTES } from './actor-tokens';

/** What `main.ts` reads from the environment. */
export interface ServiceEnvironment {
  connectionString: string;
  schema: string;
  port: number;
  host: string;
  /** The HMAC-SHA256 key the bearer tokens are signed with. */
  tokenSecret: string;
  /** The `iss` every token must carry, when set. */
  tokenIssuer?: string;
  /** The `aud` every token must carry, when set. */
  tokenAudience?: string;
  /** This replica's lease owner name, when set (default: host, pid and a random part). */
  replica?: string;
}

/**
 * Reads the service's settings: `DATABASE_URL` (required), `THIDUA_TOKEN_SECRET`
 * (required, at least 32 bytes), `THIDUA_TOKEN_ISSUER` and
 * `THIDUA_TOKEN_AUDIENCE` (optional), `THIDUA_SCHEMA` (default `thidua`),
 * `THIDUA_REPLICA` (optional), `PORT` (default 3000), `HOST` (default
 * `127.0.0.1`; `0.0.0.0` to listen on every interface, as in a container).
 * Every problem is reported at once, as a `validation_failed` naming the
 * variables (never their values: one is a secret).
 */
export function serviceEnvironment(env: Readonly<Record<string, string | undefined>>): ServiceEnvironment {
  const issues: ValidationIssue[] = [];
  const connectionString = env['DATABASE_URL'] ?? '';
  if (!/^postgres(ql)?:\/\//.test(connectionString)) {
    issues.push({ path: 'DATABASE_URL', message: 'is required: postgres://user@host:5432/database' });
  }
  const tokenSecret = env['THIDUA_TOKEN_SECRET'] ?? '';
  if (Buffer.byteLength(tokenSecret, 'utf8') < MIN_TOKEN_SECRET_BYTES) {
    issues.push({ path: 'THIDUA_TOKEN_SECRET', message: `is required, at least ${MIN_TOKEN_SECRET_BYTES} bytes: e.g. \`openssl rand -base64 32\`` });
  }
  const portText = env['PORT'] ?? '3000';
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) issues.push({ path: 'PORT', message: 'must be a port number, 0 to 65535' });
  const schema = env['THIDUA_SCHEMA'] ?? 'thidua';
  const host = env['HOST'] ?? '127.0.0.1';
  if (issues.length > 0) {
    throw new ValidationError(`Invalid environment: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  }
  const optional = (name: string, key: 'tokenIssuer' | 'tokenAudience' | 'replica') => {
    const value = env[name];
    return value === undefined || value === '' ? {} : { [key]: value };
  };
  return {
    connectionString,
    schema,
    port,
    host,
    tokenSecret,
    ...optional('THIDUA_TOKEN_ISSUER', 'tokenIssuer'),
    ...optional('THIDUA_TOKEN_AUDIENCE', 'tokenAudience'),
    ...optional('THIDUA_REPLICA', 'replica'),
  };
}
