/**
 * Runs the service: `DATABASE_URL=postgres://… THIDUA_TOKEN_SECRET=… PORT=3000 node dist/main.js`.
 * SIGINT/SIGTERM close it cleanly (requests in flight finish, the
 * projections flush their last batch and give their leases up, the pool is
 * ended).
 */
import { bearerTokenAuthentication } from './authentication';
import { createServer } from './create-server';
import { serviceEnvironment } from './environment';

async function main(): Promise<void> {
  const env = serviceEnvironment(process.env);
  const authenticate = bearerTokenAuthentication({
    secret: env.tokenSecret,
    ...(env.tokenIssuer === undefined ? {} : { issuer: env.tokenIssuer }),
    ...(env.tokenAudience === undefined ? {} : { audience: env.tokenAudience }),
  });
  const service = createServer({
    connectionString: env.connectionString,
    schema: env.schema,
    authenticate,
    ...(env.replica === undefined ? {} : { lease: { owner: env.replica } }),
  });
  const { url } = await service.listen({ port: env.port, host: env.host });
  console.log(`thidua HTTP service on ${url} (schema ${env.schema}, replica ${service.owner})`);
  const shutdown = (signal: string) => {
    console.log(`${signal}: closing`);
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
