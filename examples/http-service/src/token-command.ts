import { parseArgs } from 'node:util';
import { ValidationError } from '@thidua/eventsourcing';
import { signActorToken } from './actor-tokens';

/** How `issue-token` is called. */
export const ISSUE_TOKEN_USAGE =
  'usage: THIDUA_TOKEN_SECRET=… node dist/issue-token.js --id <actor id> --role <council|chair|member|auditor> [--unit <unitId>] [--expires-in <seconds, default 3600>]';

/**
 * What `issue-token` does: signs a bearer token for one actor with the
 * secret in `THIDUA_TOKEN_SECRET` (and `THIDUA_TOKEN_ISSUER`,
 * `THIDUA_TOKEN_AUDIENCE` when set, as the service checks them). The secret
 * comes from the environment, never from an argument that `ps` would show.
 * A stand-in for the host's identity provider, for trying the service out.
 */
export function issueToken(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, now: () => number = Date.now): string {
  let values: { id?: string | undefined; role?: string | undefined; unit?: string | undefined; 'expires-in'?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { id: { type: 'string' }, role: { type: 'string' }, unit: { type: 'string' }, 'expires-in': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ValidationError(`${error instanceof Error ? error.message : String(error)}\n${ISSUE_TOKEN_USAGE}`, [{ path: 'argv', message: ISSUE_TOKEN_USAGE }]);
  }
  const expiresIn = values['expires-in'] ?? '3600';
  if (values.id === undefined || values.role === undefined || !/^[1-9][0-9]{0,8}$/.test(expiresIn)) {
    throw new ValidationError(ISSUE_TOKEN_USAGE, [{ path: 'argv', message: ISSUE_TOKEN_USAGE }]);
  }
  const issuer = env['THIDUA_TOKEN_ISSUER'];
  const audience = env['THIDUA_TOKEN_AUDIENCE'];
  return signActorToken(
    { id: values.id, role: values.role, ...(values.unit === undefined ? {} : { unitId: values.unit }) },
    {
      secret: env['THIDUA_TOKEN_SECRET'] ?? '',
      expiresInSeconds: Number(expiresIn),
      now,
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
    },
  );
}
