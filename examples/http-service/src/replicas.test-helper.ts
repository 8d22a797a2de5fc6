import { thiduaProjections } from '@thidua/projections';
import type { client, Reply } from './http-client.test-helper';
import type { HealthReport, ProjectionHealth } from './projection-health';

/** A `/healthz` answer as the tests read it. */
export type HealthReply = Omit<Reply, 'body'> & { body: HealthReport & { projections: ProjectionHealth[] } };

/**
 * Polls `/healthz` until `ready` holds for its body, and returns that reply:
 * leases change hands when they do, so tests wait for the state rather than
 * for a time. The deadline is only a safety net for a state that never comes;
 * it ends before jest's test timeout, so a test that fails leaves no poll
 * running behind it (which would keep jest from exiting).
 */
export async function waitForHealth(api: ReturnType<typeof client>, ready: (body: HealthReply['body']) => boolean, timeoutMs = 20_000): Promise<HealthReply> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = (await api.get('/healthz', null)) as HealthReply;
    if (reply.body?.projections !== undefined || reply.body?.status === 'stopped') {
      if (ready({ ...reply.body, projections: reply.body.projections ?? [] })) return reply;
    }
    if (Date.now() > deadline) throw new Error(`/healthz never reached the expected state; last: ${reply.text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The projections led, in the reports given, by the replica that gave each report. */
export function leadersOf(reports: readonly HealthReply['body'][]): Set<string> {
  return new Set(reports.flatMap((report) => report.projections.filter((p) => p.role === 'leader').map((p) => p.projection)));
}

/** How many projections the service runs: every one of them has one leader among the replicas. */
export const PROJECTION_COUNT = thiduaProjections.length;
