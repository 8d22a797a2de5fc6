import { thiduaRegistry } from '@thidua/domain';
import type { Actor } from '@thidua/eventsourcing';
import { createPostgresEventStore } from '@thidua/store-postgres';
import { Pool } from 'pg';
import { createServer } from './create-server';
import { client, testAuthentication, type Reply } from './http-client.test-helper';
import type { ThiduaHttpService } from './http-service';
import { leadersOf, PROJECTION_COUNT, waitForHealth } from './replicas.test-helper';
import { smallCampaign } from '@thidua/domain/testing';
import { createTestSchema, describePostgres, TEST_DATABASE_URL } from '@thidua/store-postgres/testing';

/** Who reads: the auditor may read everything and write nothing. */
const auditor: Actor = { id: 'kiem-toan', role: 'auditor' };

describePostgres('thidua HTTP service on PostgreSQL', () => {
  const testSchema = createTestSchema('http');
  const schema = testSchema.name;
  afterAll(() => testSchema.drop());
  const campaign = smallCampaign('race', 10);
  let service: ThiduaHttpService;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    service = createServer({ connectionString: TEST_DATABASE_URL, schema, authenticate: testAuthentication(), readYourWritesTimeoutMs: 10_000 });
    api = client((await service.listen({ port: 0, host: '127.0.0.1' })).url);
    for (const command of campaign.commands) {
      const reply = await api.command(command);
      expect([command.commandId, reply.status, reply.body.code]).toEqual([command.commandId, 200, undefined]);
    }
  });

  afterAll(async () => {
    await service?.close();
  });

  const score = (commandId: string, unitId: string, criterionId: string, points: number) => ({
    commandId,
    data: { pledgeId: campaign.pledgeId(unitId), criterionId, points, assessor: 'verified', scoredAt: '2013-12-15T08:00:00+07:00' },
  });

  it('loses no concurrent write: each RecordScore is recorded exactly once, or refused with a typed error', async () => {
    // 10 writers on 10 different pledges, 8 racing on one pledge, and one command re-sent 3 times at once.
    const calls = [
      ...campaign.unitIds.map((unitId, i) => score(`race-distinct-${i}`, unitId, 'c1', 5 + i / 4)),
      ...Array.from({ length: 8 }, (_, i) => score(`race-same-${i}`, 'unit-00', 'c2', 1 + i)),
      ...Array.from({ length: 3 }, () => score('race-resent', 'unit-01', 'c2', 7.5)),
    ];
    const replies = await Promise.all(calls.map((body) => api.named('RecordScore', campaign.chair, body)));

    const accepted = new Map<string, Reply>();
    replies.forEach((reply, i) => {
      const { commandId } = calls[i]!;
      if (reply.status === 409) {
        // The kernel retried and still lost every race: refused with the typed error, nothing appended.
        expect(reply.body).toMatchObject({ code: 'concurrency', status: 409, streamId: `pledge-${calls[i]!.data.pledgeId}` });
        return;
      }
      expect([commandId, reply.status]).toEqual([commandId, 200]);
      expect(reply.body.position).toMatch(/^[0-9]+$/);
      expect(reply.body.events).toHaveLength(1);
      if (!accepted.has(commandId)) accepted.set(commandId, reply);
      else expect(reply.body.events).toEqual(accepted.get(commandId)!.body.events); // a re-send returns the first result
    });
    // Writers on different streams never conflict with each other beyond the kernel's retries.
    for (let i = 0; i < 10; i += 1) expect(accepted.has(`race-distinct-${i}`)).toBe(true);

    // Read-your-writes: wait for the highest position any reply returned, then compare with the log.
    const highest = [...accepted.values()].map((reply) => BigInt(reply.body.position as string)).reduce((a, b) => (a > b ? a : b));
    const recorded = new Map<string, string[]>();
    for (const unitId of campaign.unitIds) {
      const trail = await api.get(`/streams/pledge-${campaign.pledgeId(unitId)}/audit-trail?waitFor=${highest}`, auditor);
      expect(trail.status).toBe(200);
      for (const entry of trail.body as { type: string; commandId: string; eventId: string }[]) {
        if (entry.type !== 'ScoreRecorded') continue;
        recorded.set(entry.commandId, [...(recorded.get(entry.commandId) ?? []), entry.eventId]);
      }
    }
    // Exactly the accepted commands are in the log, each once, with the event ids their replies named.
    expect([...recorded.keys()].sort()).toEqual([...accepted.keys()].sort());
    for (const [commandId, reply] of accepted) expect(recorded.get(commandId)).toEqual([reply.body.events[0].id]);

    const standings = await api.get(`/blocs/${campaign.blocId}/standings/2013?waitFor=${highest}`, auditor);
    expect(standings.status).toBe(200);
    expect(standings.body.rows).toHaveLength(10);
    const unit09 = standings.body.rows.find((row: { unitId: string }) => row.unitId === 'unit-09');
    expect(unit09.criteria).toEqual({ c1: 7.25, c2: 0 });
  });

  it('keeps its data across a restart on the host pool, which it does not end', async () => {
    const before = await api.get(`/blocs/${campaign.blocId}/chair-history`, auditor);
    await service.close();

    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 5 });
    try {
      service = createServer({ pool, schema, authenticate: testAuthentication() });
      api = client((await service.listen()).url);
      // The projections resume from their stored checkpoints: no wait is needed for what was already applied.
      expect((await api.get(`/blocs/${campaign.blocId}/chair-history`, auditor)).body).toEqual(before.body);

      const reply = await api.named('RecordAdjustment', campaign.chair, {
        commandId: 'restart-bonus',
        data: { pledgeId: campaign.pledgeId('unit-09'), kind: 'bonus', points: 2, reason: 'Sáng kiến', adjustedAt: '2013-12-20T08:00:00+07:00' },
      });
      expect(reply.status).toBe(200);
      const standings = await api.get(`/blocs/${campaign.blocId}/standings/2013`, auditor, { 'x-thidua-wait-for': reply.body.position as string });
      expect(standings.body.rows.find((row: { unitId: string }) => row.unitId === 'unit-09')).toMatchObject({ bonus: 2, total: 9.25 });

      await service.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('runs two replicas on one schema: one leader per projection, reads and writes on both, and a take-over when the leader goes', async () => {
    // A long ttl: hand-overs here come from close() releasing the leases, so a slow renewal on a loaded machine never flips one.
    const replica = (owner: string) =>
      createServer({ connectionString: TEST_DATABASE_URL, schema, authenticate: testAuthentication(), readYourWritesTimeoutMs: 10_000, lease: { owner, retryMs: 100, ttlMs: 60_000 } });
    const [a, b] = [replica('replica-a'), replica('replica-b')];
    try {
      const [apiA, apiB] = [client((await a.listen()).url), client((await b.listen()).url)];
      // Both read the same PostgreSQL leases: they agree on who leads each projection, and exactly one of them does.
      const [healthA, healthB] = await Promise.all(
        [apiA, apiB].map((replicaApi) => waitForHealth(replicaApi, (body) => body.projections.every((p) => p.holder === 'replica-a' || p.holder === 'replica-b'))),
      );
      expect(healthA!.body.projections.map((p) => p.holder)).toEqual(healthB!.body.projections.map((p) => p.holder));
      expect(leadersOf([healthA!.body, healthB!.body]).size).toBe(PROJECTION_COUNT);
      for (const [i, p] of healthA!.body.projections.entries()) expect([p.role, healthB!.body.projections[i]!.role].sort()).toEqual(['follower', 'leader']);

      // A write through either replica is read through the other, whichever one applies it.
      const bonus = (commandId: string, unitId: string) => ({
        commandId,
        data: { pledgeId: campaign.pledgeId(unitId), kind: 'bonus', points: 1, reason: 'Sáng kiến', adjustedAt: '2013-12-21T08:00:00+07:00' },
      });
      const viaA = await apiA.named('RecordAdjustment', campaign.chair, bonus('replicas-a', 'unit-02'));
      const viaB = await apiB.named('RecordAdjustment', campaign.chair, bonus('replicas-b', 'unit-03'));
      expect([viaA.status, viaB.status]).toEqual([200, 200]);
      const readB = await apiB.get(`/blocs/${campaign.blocId}/standings/2013?waitFor=${viaA.body.position}`, auditor);
      expect(readB.body.rows.find((row: { unitId: string }) => row.unitId === 'unit-02')).toMatchObject({ bonus: 1 });
      const readA = await apiA.get(`/blocs/${campaign.blocId}/standings/2013?waitFor=${viaB.body.position}`, auditor);
      expect(readA.body.rows.find((row: { unitId: string }) => row.unitId === 'unit-03')).toMatchObject({ bonus: 1 });

      // The leader of the standings goes away (its leases released on close): the other takes every projection over.
      const standingsLeader = healthA!.body.projections.find((p) => p.projection === 'standings')!.holder;
      const [leaving, staying, stayingApi, stayingOwner] = standingsLeader === 'replica-a' ? [a, b, apiB, 'replica-b'] : [b, a, apiA, 'replica-a'];
      await leaving.close();
      await waitForHealth(stayingApi, (body) => body.projections.every((p) => p.holder === stayingOwner));
      const after = await stayingApi.named('RecordAdjustment', campaign.chair, bonus('replicas-after', 'unit-04'));
      expect(after.status).toBe(200);
      const caughtUp = await waitForHealth(stayingApi, (body) => body.head === after.body.position && body.projections.every((p) => p.caughtUp));
      expect(caughtUp.body).toMatchObject({ status: 'ok', owner: stayingOwner });
      const standings = await stayingApi.get(`/blocs/${campaign.blocId}/standings/2013`, auditor);
      expect(standings.body.rows.find((row: { unitId: string }) => row.unitId === 'unit-04')).toMatchObject({ bonus: 1 });
      await staying.close();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('appends nothing for a request without a valid token, on PostgreSQL too', async () => {
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    const log = createPostgresEventStore({ pool, schema, registry: thiduaRegistry });
    const guarded = createServer({ pool, schema, authenticate: testAuthentication() });
    try {
      const guardedApi = client((await guarded.listen()).url);
      const before = await log.headPosition();
      const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","role":"council"}').toString('base64url')}.`;
      const forged = await guardedApi.named('RecordAdjustment', { authorization: `Bearer ${none}` }, {
        commandId: 'forged-bonus',
        data: { pledgeId: campaign.pledgeId('unit-05'), kind: 'bonus', points: 5, reason: 'x', adjustedAt: '2013-12-21T08:00:00+07:00' },
      });
      expect([forged.status, forged.body.code]).toEqual([401, 'unauthenticated']);
      const missing = await guardedApi.named('EstablishBloc', null, {
        commandId: 'no-token',
        data: { blocId: 'x', name: 'x', authority: 'x', establishedAt: '2013-01-02T08:00:00+07:00' },
      });
      expect([missing.status, missing.body.code]).toEqual([401, 'unauthenticated']);
      expect(await log.headPosition()).toBe(before);
    } finally {
      await guarded.close();
      await log.close();
      await pool.end();
    }
  });

  it('refuses to start without exactly one of pool and connectionString', () => {
    // The cast reaches the runtime check the types already rule out, as a JavaScript caller could.
    expect(() => createServer({ schema } as unknown as Parameters<typeof createServer>[0])).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });
});
