import { thiduaRegistry } from '@thidua/domain';
import { thiduaProjections } from '@thidua/projections';
import {
  createInMemoryEventStore,
  createInMemoryProjectionLeases,
  createInMemoryProjectionStore,
  StoreUnavailableError,
  type Actor,
  type EventStore,
  type ProjectionStore,
} from '@thidua/eventsourcing';
import { BLOC_ID, CAMPAIGN_ID, CHAIR_2014, tayNinh2013Commands, VOTED_RANKS } from '@thidua/domain/demo';
import { signActorToken } from './actor-tokens';
import { client, TEST_TOKEN_SECRET, testAuthentication, tokenFor, type Reply } from './http-client.test-helper';
import { createHttpService, type HttpServiceOptions, type ThiduaHttpService } from './http-service';
import { leadersOf, PROJECTION_COUNT, waitForHealth } from './replicas.test-helper';
import { council, smallCampaign } from '@thidua/domain/testing';

/** Who reads in these tests: the auditor may read everything and write nothing. */
const auditor: Actor = { id: 'kiem-toan', role: 'auditor' };

/** Every error answer is RFC 9457 problem details, naming its occurrence. */
function expectProblem(reply: Reply, status: number, code: string): void {
  expect([reply.status, reply.headers.get('content-type'), reply.body?.code]).toEqual([status, 'application/problem+json', code]);
  expect(reply.body).toMatchObject({ type: `urn:thidua:problem:${code}`, status, title: expect.any(String), detail: expect.any(String) });
  expect(reply.body.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
}

/*
 * The whole HTTP surface over the in-memory stores, so it runs everywhere;
 * `http-service.int.test.ts` runs the PostgreSQL wiring, the races and two
 * replicas side by side.
 */
describe('thidua HTTP service (in-memory stores)', () => {
  let service: ThiduaHttpService;
  let api: ReturnType<typeof client>;
  const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
  const projectionStore = createInMemoryProjectionStore();
  const projectionErrors: unknown[] = [];

  beforeAll(async () => {
    service = createHttpService({
      eventStore,
      projectionStore,
      authenticate: testAuthentication(),
      // Short, so the one test that waits for a position nobody wrote ends quickly.
      readYourWritesTimeoutMs: 300,
      maxBodyBytes: 64 * 1024,
      onProjectionError: (error) => projectionErrors.push(error),
    });
    const { url } = await service.listen({ port: 0, host: '127.0.0.1' });
    api = client(url);
  });

  afterAll(async () => {
    await service.close();
    await eventStore.close();
    await projectionStore.close();
  });

  describe('given the Tây Ninh 2013 case posted command by command, each as its actor', () => {
    let lastPosition = '';

    beforeAll(async () => {
      for (const command of tayNinh2013Commands) {
        const reply = await api.command(command);
        expect([command.commandId, reply.status, reply.body?.code]).toEqual([command.commandId, 200, undefined]);
        lastPosition = reply.body.position as string;
      }
    });

    it('answers each command with its events and the position as a string, also in x-thidua-position', async () => {
      const first = tayNinh2013Commands[0]!;
      const again = await api.command(first);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ command: 'EstablishBloc', commandId: first.commandId, duplicate: true, position: '1' });
      expect(again.body.events).toEqual([
        { id: expect.any(String), streamId: `bloc-${BLOC_ID}`, revision: '0', position: '1', type: 'BlocEstablished' },
      ]);
      expect(again.headers.get('x-thidua-position')).toBe('1');
      expect(lastPosition).toMatch(/^[0-9]+$/);
    });

    it('records the authenticated actor in the event metadata', async () => {
      expect((await firstEvent(eventStore, `bloc-${BLOC_ID}`)).metadata.actor).toEqual(tayNinh2013Commands[0]!.actor);
    });

    it('serves the standings as JSON once the projections reached the last position (read-your-writes)', async () => {
      const reply = await api.get(`/blocs/${BLOC_ID}/standings/2013?waitFor=${lastPosition}`, auditor);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ blocId: BLOC_ID, year: 2013, campaignId: CAMPAIGN_ID, final: true, nextChair: CHAIR_2014 });
      expect(reply.body.rows.map((row: { unitId: string; rank: number; basis: string; provisional: boolean }) => [row.unitId, row.rank, row.basis, row.provisional])).toEqual(
        VOTED_RANKS.map((r) => [r.unitId, r.rank, 'vote', false]),
      );
      const viaHeader = await api.get(`/blocs/${BLOC_ID}/standings/2013.json`, auditor, { 'x-thidua-wait-for': lastPosition });
      expect(viaHeader.body).toEqual(reply.body);
    });

    it('serves the standings as an HTML page with .html or ?format=html', async () => {
      for (const path of [`/blocs/${BLOC_ID}/standings/2013.html`, `/blocs/${BLOC_ID}/standings/2013?format=html`]) {
        const reply = await api.get(`${path}${path.includes('?') ? '&' : '?'}waitFor=${lastPosition}`, auditor);
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(reply.text).toMatch(/^<!DOCTYPE html>/i);
        expect(reply.text).toContain('Sở Nông nghiệp và Phát triển nông thôn');
      }
    });

    it('serves the chair-flag history and the audit trails', async () => {
      const history = await api.get(`/blocs/${BLOC_ID}/chair-history?waitFor=${lastPosition}`, auditor);
      expect(history.status).toBe(200);
      expect(history.body).toMatchObject({ blocId: BLOC_ID, holder: CHAIR_2014 });
      expect(history.body.transfers.map((t: { termYear: number }) => t.termYear)).toEqual([2013, 2014]);

      const stream = await api.get(`/streams/bloc-${BLOC_ID}/audit-trail?waitFor=${lastPosition}`, auditor);
      expect(stream.status).toBe(200);
      expect(stream.body[0]).toMatchObject({ streamId: `bloc-${BLOC_ID}`, revision: '0', type: 'BlocEstablished', commandId: 'tn-2013-001', actor: { id: 'hdtdkt', role: 'council' } });

      const unit = await api.get(`/units/${CHAIR_2014}/audit-trail?waitFor=${lastPosition}`, auditor);
      expect(unit.status).toBe(200);
      expect(unit.body.some((entry: { type: string }) => entry.type === 'ChairFlagTransferred')).toBe(true);

      const progress = await api.get(`/campaigns/${CAMPAIGN_ID}/progress?waitFor=${lastPosition}`, auditor);
      expect(progress.status).toBe(200);
      expect(progress.body).toMatchObject({ campaignId: CAMPAIGN_ID, counts: { members: 5, signed: 5 } });
    });

    it('answers 404 problem details for a bloc, year, stream or unit the log does not know', async () => {
      for (const path of [
        `/blocs/no-such-bloc/standings/2013`,
        `/blocs/${BLOC_ID}/standings/2099`,
        `/blocs/no-such-bloc/chair-history`,
        `/campaigns/no-such-campaign/progress`,
        `/streams/bloc-no-such-bloc/audit-trail`,
        `/units/no-such-unit/audit-trail`,
        `/no/such/path`,
      ]) {
        const reply = await api.get(`${path}?waitFor=${lastPosition}`, auditor);
        expect([path, reply.status]).toEqual([path, 404]);
        expectProblem(reply, 404, 'not_found');
      }
    });

    it('answers 504 (timeout, Retry-After) when the projections do not reach ?waitFor in time, and 400 for a malformed one', async () => {
      const ahead = (BigInt(lastPosition) + 1000n).toString();
      const late = await api.get(`/blocs/${BLOC_ID}/standings/2013?waitFor=${ahead}`, auditor);
      expectProblem(late, 504, 'timeout');
      expect(late.body).toMatchObject({ title: 'Timed out', position: ahead });
      expect(late.headers.get('retry-after')).toBe('1');

      const bad = await api.get(`/blocs/${BLOC_ID}/standings/2013?waitFor=-1`, auditor);
      expectProblem(bad, 400, 'validation_failed');
      expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'query.waitFor' })]);
      expectProblem(await api.get(`/blocs/${BLOC_ID}/standings/20x3`, auditor), 400, 'validation_failed');
      const badFormat = await api.get(`/blocs/${BLOC_ID}/standings/2013?format=pdf`, auditor);
      expect(badFormat.body).toMatchObject({ code: 'validation_failed', issues: [{ path: 'query.format' }] });
    });
  });

  describe('authentication: the actor is who the bearer token names, and nothing else', () => {
    const campaign = smallCampaign('auth', 2);
    const otherMember: Actor = { id: 'office-unit-01', role: 'member', unitId: 'unit-01' };
    const withdrawUnit00 = { commandId: 'auth-withdraw', data: { pledgeId: campaign.pledgeId('unit-00'), reason: 'Rút', at: '2013-12-02T08:00:00+07:00' } };

    beforeAll(async () => {
      for (const command of campaign.commands) expect((await api.command(command)).status).toBe(200);
    });

    /** Runs `send` and checks that the log did not move. */
    async function appendsNothing(send: () => Promise<Reply>): Promise<Reply> {
      const before = await eventStore.headPosition();
      const reply = await send();
      expect(await eventStore.headPosition()).toBe(before);
      return reply;
    }

    it('401 without a token, with a challenge and nothing appended', async () => {
      const reply = await appendsNothing(() => api.named('WithdrawPledge', null, withdrawUnit00));
      expectProblem(reply, 401, 'unauthenticated');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="thidua"');
      const envelope = await appendsNothing(() => api.request('POST', '/commands', { body: { command: 'WithdrawPledge', ...withdrawUnit00, actor: council } }));
      expectProblem(envelope, 401, 'unauthenticated');
    });

    it('401 invalid_token for a forged token: another secret, claims changed after signing, alg none', async () => {
      const forgedKey = signActorToken(council, { secret: 'not-the-service-secret-0123456789', expiresInSeconds: 600 });
      const real = tokenFor(otherMember);
      const [header, claims, signature] = real.split('.');
      const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), role: 'council' })).toString('base64url');
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${claims}.${signature}`;
      for (const token of [forgedKey, `${header}.${promoted}.${signature}`, none, 'not-a-token']) {
        const reply = await appendsNothing(() => api.named('WithdrawPledge', { authorization: `Bearer ${token}` }, withdrawUnit00));
        expectProblem(reply, 401, 'unauthenticated');
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="thidua", error="invalid_token", error_description="[^"]+"$/);
      }
      for (const authorization of ['Basic aGR0ZGt0OnNlY3JldA==', 'Bearer', `${real}`]) {
        expectProblem(await appendsNothing(() => api.named('WithdrawPledge', { authorization }, withdrawUnit00)), 401, 'unauthenticated');
      }
    });

    it('401 for an expired token, saying so', async () => {
      const twoHoursAgo = () => Date.now() - 2 * 3600_000;
      const expired = signActorToken(campaign.chair, { secret: TEST_TOKEN_SECRET, expiresInSeconds: 3600, now: twoHoursAgo });
      const reply = await appendsNothing(() => api.named('WithdrawPledge', { authorization: `Bearer ${expired}` }, withdrawUnit00));
      expectProblem(reply, 401, 'unauthenticated');
      expect(reply.body.detail).toBe('The token has expired');
    });

    it('403 for a valid token of another unit: the domain refuses the member acting for unit-00', async () => {
      const reply = await appendsNothing(() => api.named('WithdrawPledge', otherMember, withdrawUnit00));
      expectProblem(reply, 403, 'forbidden');
    });

    it('400 when the body claims another actor than the token', async () => {
      const reply = await appendsNothing(() =>
        api.request('POST', '/commands', { as: otherMember, body: { command: 'WithdrawPledge', ...withdrawUnit00, actor: council } }),
      );
      expectProblem(reply, 400, 'validation_failed');
      expect(reply.body.issues).toEqual([expect.objectContaining({ path: 'actor' })]);
      const named = await appendsNothing(() => api.named('WithdrawPledge', otherMember, { ...withdrawUnit00, actor: council }));
      expectProblem(named, 400, 'validation_failed');
    });

    it('401 for reads without a valid token too; /healthz needs none', async () => {
      expectProblem(await api.get(`/blocs/${campaign.blocId}/chair-history`, null), 401, 'unauthenticated');
      expectProblem(await api.get(`/units/unit-00/audit-trail`, { authorization: 'Bearer x.y.z' }), 401, 'unauthenticated');
      expect((await api.get('/healthz', null)).status).toBe(200);
    });

    it('lets the token holder act: the same withdrawal as unit-00 itself goes through', async () => {
      const owner: Actor = { id: 'office-unit-00', role: 'member', unitId: 'unit-00' };
      const reply = await api.named('WithdrawPledge', owner, withdrawUnit00);
      expect([reply.status, reply.body.events.map((e: { type: string }) => e.type)]).toEqual([200, ['PledgeWithdrawn']]);
    });
  });

  describe('refusals', () => {
    const campaign = smallCampaign('refusals', 2);
    const member: Actor = { id: 'office-unit-01', role: 'member', unitId: 'unit-01' };

    beforeAll(async () => {
      for (const command of campaign.commands) expect((await api.command(command)).status).toBe(200);
    });

    it('400 with the zod issues for a malformed command or body', async () => {
      const badPoints = await api.named('RecordScore', campaign.chair, {
        commandId: 'refusals-1',
        data: { pledgeId: campaign.pledgeId('unit-01'), criterionId: 'c1', points: 8.333, assessor: 'verified', scoredAt: '2013-12-10T08:00:00+07:00' },
      });
      expectProblem(badPoints, 400, 'validation_failed');
      expect(badPoints.body).toMatchObject({ title: 'Invalid request', issues: [{ path: 'data.points', message: expect.stringContaining('2 decimals') }] });

      const notJson = await api.request('POST', '/commands', { as: council, body: '{"command":' });
      expectProblem(notJson, 400, 'validation_failed');
      expect(notJson.body.issues).toEqual([expect.objectContaining({ path: 'body' })]);

      const unknownInEnvelope = await api.request('POST', '/commands', { as: council, body: { command: 'PaintFlag', commandId: 'refusals-4', data: {} } });
      expectProblem(unknownInEnvelope, 400, 'validation_failed');
      expect(unknownInEnvelope.body.issues).toEqual([expect.objectContaining({ path: 'command' })]);
    });

    it('403 when the role may not do it (a member, an auditor, an unknown role)', async () => {
      const data = { blocId: 'refusals-other', name: 'X', authority: 'Y', establishedAt: '2013-01-02T08:00:00+07:00' };
      for (const actor of [member, auditor, { id: 'who', role: 'janitor' }]) {
        const reply = await api.named('EstablishBloc', actor, { commandId: `refusals-403-${actor.role}`, data });
        expect([actor.role, reply.status]).toEqual([actor.role, 403]);
        expectProblem(reply, 403, 'forbidden');
      }
    });

    it('422 with the rule code when a business rule refuses the command', async () => {
      const reply = await api.named('RecordScore', campaign.chair, {
        commandId: 'refusals-422',
        data: { pledgeId: campaign.pledgeId('unit-01'), criterionId: 'c1', points: 11, assessor: 'verified', scoredAt: '2013-12-10T08:00:00+07:00' },
      });
      expectProblem(reply, 422, 'rule_violated');
      // The example of the README's problem details, member for member.
      expect(reply.body).toMatchObject({
        title: 'Refused by a business rule',
        detail: '11 points exceed the maximum of 10 for criterion c1',
        rule: 'score.exceeds_max',
        criterionId: 'c1',
        points: 11,
        maxPoints: 10,
      });
    });

    it('422 command_id_reused when a commandId comes back with other data, naming its first use; the same command again is a duplicate', async () => {
      const bonus = (points: number) => ({
        commandId: 'refusals-reused',
        data: { pledgeId: campaign.pledgeId('unit-00'), kind: 'bonus', points, reason: 'Sáng kiến', adjustedAt: '2013-12-10T08:00:00+07:00' },
      });
      const first = await api.named('RecordAdjustment', campaign.chair, bonus(2));
      expect(first.status).toBe(200);
      const before = await eventStore.headPosition();
      const changed = await api.named('RecordAdjustment', campaign.chair, bonus(3));
      expectProblem(changed, 422, 'command_id_reused');
      expect(changed.body).toMatchObject({ commandId: 'refusals-reused', firstUse: { streamId: `pledge-${campaign.pledgeId('unit-00')}`, revision: '1' } });
      expect(await eventStore.headPosition()).toBe(before);
      const same = await api.named('RecordAdjustment', campaign.chair, bonus(2));
      expect([same.status, same.body.duplicate, same.body.position]).toEqual([200, true, first.body.position]);
    });

    it('404 for an unknown command name or a command on something that does not exist', async () => {
      expectProblem(await api.named('PaintFlag', council, { commandId: 'refusals-404a', data: {} }), 404, 'not_found');
      const unknownPledge = await api.named('RecordScore', campaign.chair, {
        commandId: 'refusals-404b',
        data: { pledgeId: `${campaign.campaignId}.unit-99`, criterionId: 'c1', points: 5, assessor: 'verified', scoredAt: '2013-12-10T08:00:00+07:00' },
      });
      expectProblem(unknownPledge, 404, 'not_found');
    });

    it('405 with Allow for a known path and another method; 415 for a body that is not JSON; 413 for too large a body', async () => {
      const wrongMethod = await api.get('/commands', council);
      expectProblem(wrongMethod, 405, 'method_not_allowed');
      expect(wrongMethod.headers.get('allow')).toBe('POST');
      const text = await api.request('POST', '/commands', { as: council, body: 'command=EstablishBloc', headers: { 'content-type': 'text/plain' } });
      expectProblem(text, 415, 'unsupported_media_type');
      const huge = await api.request('POST', '/commands', { as: council, body: { command: 'EstablishBloc', commandId: 'x', data: { name: 'x'.repeat(100_000) } } });
      expectProblem(huge, 413, 'payload_too_large');
    });

    it('appends nothing for any refused command', async () => {
      const trail = await api.get(`/streams/pledge-${campaign.pledgeId('unit-01')}/audit-trail?waitFor=${(await eventStore.headPosition())!.toString()}`, auditor);
      expect(trail.body.map((entry: { type: string }) => entry.type)).toEqual(['PledgeSigned']);
    });
  });

  it('reports every projection led by this replica, caught up, on /healthz', async () => {
    const head = (await eventStore.headPosition())!.toString();
    const health = await waitForHealth(api, (body) => leadersOf([body]).size === PROJECTION_COUNT && body.projections.every((p) => p.caughtUp));
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', owner: service.owner, head });
    expect(health.body.projections.map((p) => [p.projection, p.role, p.holder, p.behind])).toEqual(
      thiduaProjections.map(({ name }) => [name, 'leader', service.owner, '0']),
    );
    expect(projectionErrors).toEqual([]);
  });
});

/**
 * Runs `body` against a service of its own on in-memory stores (those given,
 * or fresh ones), then closes the service and the stores.
 */
async function withService<T>(
  options: Omit<Partial<HttpServiceOptions>, 'eventStore' | 'projectionStore'> & { eventStore?: EventStore; projectionStore?: ProjectionStore },
  body: (api: ReturnType<typeof client>, service: ThiduaHttpService, stores: { eventStore: EventStore }) => Promise<T>,
): Promise<T> {
  const eventStore = options.eventStore ?? createInMemoryEventStore({ registry: thiduaRegistry });
  const projectionStore = options.projectionStore ?? createInMemoryProjectionStore();
  const service = createHttpService({ authenticate: testAuthentication(), ...options, eventStore, projectionStore });
  try {
    return await body(client((await service.listen()).url), service, { eventStore });
  } finally {
    await service.close();
    await eventStore.close();
    await projectionStore.close();
  }
}

/** What a store throws when its database fails under it. */
const storeUnavailable = (store: string, reason: string) => new StoreUnavailableError(store, { transient: true, cause: new Error(reason) });

/** The first event of a stream, through the store's async iterable. */
async function firstEvent(eventStore: EventStore, streamId: string) {
  for await (const event of eventStore.readStream(streamId, { maxCount: 1 })) return event;
  throw new Error(`${streamId} is empty`);
}

describe('problem details for faults of the server', () => {
  /** An event store whose appends fail as `failure` says; reads work. */
  function failingAppends(failure: () => unknown): EventStore {
    const store = createInMemoryEventStore({ registry: thiduaRegistry });
    return new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'appendToStream') return async () => Promise.reject(failure());
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  async function post(eventStore: EventStore): Promise<Reply> {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      return await withService({ eventStore, onProjectionError: () => undefined }, async (api) => {
        const reply = await api.command(tayNinh2013Commands[0]!);
        // The log has what the client does not: the error itself, under the instance the client was given.
        expect(logged).toHaveBeenCalledWith(expect.stringContaining(reply.body.instance as string), expect.anything());
        return reply;
      });
    } finally {
      logged.mockRestore();
    }
  }

  it('an unexpected error is a generic 500 that says nothing of it', async () => {
    const reply = await post(failingAppends(() => new TypeError('relation "thidua.events" does not exist at append.ts:42')));
    expectProblem(reply, 500, 'internal');
    expect(reply.text).not.toMatch(/relation|thidua\.events|append\.ts|TypeError/);
  });

  it('an unavailable store is 503 with Retry-After, without the store name or the cause', async () => {
    const reply = await post(failingAppends(() => storeUnavailable('postgres://app@db-7:5432/thidua', 'ECONNRESET')));
    expectProblem(reply, 503, 'store_unavailable');
    expect(reply.headers.get('retry-after')).toBe('1');
    expect(reply.text).not.toMatch(/db-7|ECONNRESET|postgres:/);
  });
});

describe('/healthz when a projection stops for good', () => {
  it('answers 503 naming the projection and the code, not the message', async () => {
    const stopped: unknown[] = [];
    await withService({ onProjectionError: (error) => stopped.push(error) }, async (api, _service, { eventStore }) => {
      // A member admitted to a bloc never established: valid as an event, impossible to fold (no command would write it).
      await eventStore.appendToStream('bloc-ghost', [
        { type: 'MemberAdmitted', data: { blocId: 'ghost', unitId: 'u', unitName: 'Secret unit name', admittedAt: '2013-01-02T08:00:00+07:00' } },
      ]);
      const health = await waitForHealth(api, (body) => body.status === 'stopped');
      expect(health.status).toBe(503);
      expect(health.body.stopped).toEqual({ projection: expect.any(String), code: 'projection_failed' });
      expect(health.text).not.toContain('Secret unit name');
      expect(stopped).toEqual([expect.objectContaining({ code: 'projection_failed' })]);
    });
  });
});

describe('/healthz while the stores do not answer', () => {
  it('answers 200 degraded with the code, since the runners outlive it, and ok again once the stores answer', async () => {
    const store = createInMemoryProjectionStore();
    let down = false;
    const projectionStore = new Proxy(store, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (down ? Promise.reject(storeUnavailable('db-7', 'ECONNRESET')) : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    const stopped: unknown[] = [];
    await withService({ projectionStore, onProjectionError: (error) => stopped.push(error) }, async (api, service) => {
      await waitForHealth(api, (body) => leadersOf([body]).size === PROJECTION_COUNT);
      down = true;
      const degraded = await api.get('/healthz', null);
      expect([degraded.status, degraded.body]).toEqual([200, { status: 'degraded', owner: service.owner, code: 'store_unavailable' }]);
      down = false;
      const written = await api.command(tayNinh2013Commands[0]!);
      const ok = await waitForHealth(api, (body) => body.status === 'ok' && body.head === written.body.position && body.projections.every((p) => p.caughtUp));
      expect(ok.status).toBe(200);
      expect(stopped).toEqual([]);
    });
  });
});

describe('two replicas in one process, sharing stores and leases', () => {
  it('run each projection in one of them, and the other takes over when it closes', async () => {
    const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
    const projectionStore = createInMemoryProjectionStore();
    const leases = createInMemoryProjectionLeases();
    // A long ttl: hand-overs here come from close() releasing the leases, so a slow renewal on a loaded machine never flips one.
    const replica = (owner: string) =>
      createHttpService({ eventStore, projectionStore, authenticate: testAuthentication(), lease: { leases, owner, retryMs: 20, ttlMs: 60_000 } });
    const [a, b] = [replica('replica-a'), replica('replica-b')];
    try {
      const [apiA, apiB] = [client((await a.listen()).url), client((await b.listen()).url)];
      const both = await Promise.all([apiA, apiB].map((api) => waitForHealth(api, (body) => body.projections.every((p) => p.holder !== null))));
      // Both read the same leases: they agree on who leads each projection, and exactly one of them does.
      expect(both[0]!.body.projections.map((p) => p.holder)).toEqual(both[1]!.body.projections.map((p) => p.holder));
      for (const [i, p] of both[0]!.body.projections.entries()) {
        expect([p.role, both[1]!.body.projections[i]!.role].sort()).toEqual(['follower', 'leader']);
      }

      const written = await apiA.command(tayNinh2013Commands[0]!);
      expect((await apiB.get(`/blocs/${BLOC_ID}/chair-history?waitFor=${written.body.position}`, auditor)).status).toBe(200);

      await a.close();
      await waitForHealth(apiB, (body) => leadersOf([body]).size === PROJECTION_COUNT);
      // B now applies the log itself: what it writes reaches every read model with A gone.
      const next = await apiB.command(tayNinh2013Commands[1]!);
      const caughtUp = await waitForHealth(apiB, (body) => body.head === next.body.position && body.projections.every((p) => p.caughtUp));
      expect(caughtUp.body.projections.map((p) => p.holder)).toEqual(thiduaProjections.map(() => 'replica-b'));
      const trail = await apiB.get(`/streams/bloc-${BLOC_ID}/audit-trail`, auditor);
      expect(trail.body.map((entry: { type: string }) => entry.type)).toEqual(['BlocEstablished', 'MemberAdmitted']);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await eventStore.close();
      await projectionStore.close();
    }
  });
});

describe('starting the service', () => {
  it('refuses to start without authenticate', () => {
    const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
    const projectionStore = createInMemoryProjectionStore();
    // The cast reaches the runtime check the types already rule out, as a JavaScript caller could.
    const options = { eventStore, projectionStore } as unknown as HttpServiceOptions;
    expect(() => createHttpService(options)).toThrow(expect.objectContaining({ code: 'validation_failed', issues: [expect.objectContaining({ path: 'authenticate' })] }));
  });
});

describe('closing the service', () => {
  it('stops listening and stops the projections, giving up their leases; close() is idempotent', async () => {
    const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
    const projectionStore = createInMemoryProjectionStore();
    const leases = createInMemoryProjectionLeases();
    const closed: string[] = [];
    const service = createHttpService({
      eventStore,
      projectionStore,
      authenticate: testAuthentication(),
      lease: { leases },
      onClosed: async () => void closed.push('released'),
    });
    const { url } = await service.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/);
    const api = client(url);
    const reply = await api.command(tayNinh2013Commands[0]!);
    expect(reply.status).toBe(200);
    await waitForHealth(api, (body) => leadersOf([body]).size === PROJECTION_COUNT);
    await Promise.all([service.close(), service.close()]);
    expect(closed).toEqual(['released']);
    expect(service.server.listening).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // The projections flushed before stopping: the bloc is in the chair history.
    expect(await projectionStore.getState('chair-history')).toMatchObject({ checkpoint: 1n });
    expect(await leases.holder('chair-history')).toBeNull();
    await eventStore.close();
    await projectionStore.close();
  });
});
