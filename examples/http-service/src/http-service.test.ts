import { thiduaRegistry } from '@thidua/domain';
import { createInMemoryEventStore, createInMemoryProjectionStore } from '@thidua/eventsourcing';
import { BLOC_ID, CAMPAIGN_ID, CHAIR_2014, tayNinh2013Commands, VOTED_RANKS } from '@thidua/domain/demo';
import { client } from './http-client.test-helper';
import { createHttpService, type ThiduaHttpService } from './http-service';
import { council, smallCampaign } from '@thidua/domain/testing';

/*
 * The whole HTTP surface over the in-memory stores, so it runs everywhere;
 * `http-service.int.test.ts` runs the PostgreSQL wiring and the races.
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

  describe('given the Tây Ninh 2013 case posted command by command', () => {
    let lastPosition = '';

    beforeAll(async () => {
      for (const command of tayNinh2013Commands) {
        const reply = await api.command(command);
        expect([reply.status, reply.body?.error]).toEqual([200, undefined]);
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

    it('serves the standings as JSON once the projections reached the last position (read-your-writes)', async () => {
      const reply = await api.get(`/blocs/${BLOC_ID}/standings/2013?waitFor=${lastPosition}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ blocId: BLOC_ID, year: 2013, campaignId: CAMPAIGN_ID, final: true, nextChair: CHAIR_2014 });
      expect(reply.body.rows.map((row: { unitId: string; rank: number; basis: string; provisional: boolean }) => [row.unitId, row.rank, row.basis, row.provisional])).toEqual(
        VOTED_RANKS.map((r) => [r.unitId, r.rank, 'vote', false]),
      );
      const viaHeader = await api.get(`/blocs/${BLOC_ID}/standings/2013.json`, { 'x-thidua-wait-for': lastPosition });
      expect(viaHeader.body).toEqual(reply.body);
    });

    it('serves the standings as an HTML page with .html or ?format=html', async () => {
      for (const path of [`/blocs/${BLOC_ID}/standings/2013.html`, `/blocs/${BLOC_ID}/standings/2013?format=html`]) {
        const reply = await api.get(`${path}${path.includes('?') ? '&' : '?'}waitFor=${lastPosition}`);
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(reply.text).toMatch(/^<!DOCTYPE html>/i);
        expect(reply.text).toContain('Sở Nông nghiệp và Phát triển nông thôn');
      }
    });

    it('serves the chair-flag history and the audit trails', async () => {
      const history = await api.get(`/blocs/${BLOC_ID}/chair-history?waitFor=${lastPosition}`);
      expect(history.status).toBe(200);
      expect(history.body).toMatchObject({ blocId: BLOC_ID, holder: CHAIR_2014 });
      expect(history.body.transfers.map((t: { termYear: number }) => t.termYear)).toEqual([2013, 2014]);

      const stream = await api.get(`/streams/bloc-${BLOC_ID}/audit-trail?waitFor=${lastPosition}`);
      expect(stream.status).toBe(200);
      expect(stream.body[0]).toMatchObject({ streamId: `bloc-${BLOC_ID}`, revision: '0', type: 'BlocEstablished', commandId: 'tn-2013-001', actor: { id: 'hdtdkt', role: 'council' } });

      const unit = await api.get(`/units/${CHAIR_2014}/audit-trail?waitFor=${lastPosition}`);
      expect(unit.status).toBe(200);
      expect(unit.body.some((entry: { type: string }) => entry.type === 'ChairFlagTransferred')).toBe(true);

      const progress = await api.get(`/campaigns/${CAMPAIGN_ID}/progress?waitFor=${lastPosition}`);
      expect(progress.status).toBe(200);
      expect(progress.body).toMatchObject({ campaignId: CAMPAIGN_ID, counts: { members: 5, signed: 5 } });
    });

    it('answers 404 for a bloc, year, stream or unit the log does not know', async () => {
      for (const path of [
        `/blocs/no-such-bloc/standings/2013`,
        `/blocs/${BLOC_ID}/standings/2099`,
        `/blocs/no-such-bloc/chair-history`,
        `/campaigns/no-such-campaign/progress`,
        `/streams/bloc-no-such-bloc/audit-trail`,
        `/units/no-such-unit/audit-trail`,
        `/no/such/path`,
      ]) {
        const reply = await api.get(`${path}?waitFor=${lastPosition}`);
        expect([path, reply.status, reply.body.error.code]).toEqual([path, 404, 'not_found']);
      }
    });

    it('answers 504 (timeout, Retry-After) when the projections do not reach ?waitFor in time, and 400 for a malformed one', async () => {
      const ahead = (BigInt(lastPosition) + 1000n).toString();
      const late = await api.get(`/blocs/${BLOC_ID}/standings/2013?waitFor=${ahead}`);
      expect(late.status).toBe(504);
      expect(late.body.error).toMatchObject({ code: 'timeout', position: ahead });
      expect(late.headers.get('retry-after')).toBe('1');

      const bad = await api.get(`/blocs/${BLOC_ID}/standings/2013?waitFor=-1`);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'validation_failed', issues: [{ path: 'query.waitFor' }] });
      const badYear = await api.get(`/blocs/${BLOC_ID}/standings/20x3`);
      expect(badYear.status).toBe(400);
      const badFormat = await api.get(`/blocs/${BLOC_ID}/standings/2013?format=pdf`);
      expect(badFormat.body.error).toMatchObject({ code: 'validation_failed', issues: [{ path: 'query.format' }] });
    });
  });

  describe('refusals', () => {
    const campaign = smallCampaign('refusals', 2);
    const member = { id: 'office-unit-01', role: 'member', unitId: 'unit-01' };

    beforeAll(async () => {
      for (const command of campaign.commands) expect((await api.command(command)).status).toBe(200);
    });

    it('400 with the zod issues for a malformed command, header or body', async () => {
      const badPoints = await api.named('RecordScore', campaign.chair, {
        commandId: 'refusals-1',
        data: { pledgeId: campaign.pledgeId('unit-01'), criterionId: 'c1', points: 8.333, assessor: 'verified', scoredAt: '2013-12-10T08:00:00+07:00' },
      });
      expect(badPoints.status).toBe(400);
      expect(badPoints.body.error).toMatchObject({ code: 'validation_failed', issues: [{ path: 'data.points', message: expect.stringContaining('2 decimals') }] });

      const noActor = await api.request('POST', '/commands/OpenScoring', { body: { commandId: 'refusals-2', data: { campaignId: campaign.campaignId, at: '2013-12-01T08:00:00+07:00' } } });
      expect(noActor.status).toBe(400);
      expect(noActor.body.error.issues).toEqual([expect.objectContaining({ path: 'headers.x-thidua-actor' })]);

      const badActor = await api.named('OpenScoring', '{"id":', { commandId: 'refusals-3', data: {} });
      expect(badActor.body.error.issues).toEqual([expect.objectContaining({ path: 'headers.x-thidua-actor', message: expect.stringContaining('JSON') })]);
      const actorWithoutRole = await api.named('OpenScoring', '{"id":"x"}', { commandId: 'refusals-3', data: {} });
      expect(actorWithoutRole.body.error.issues).toEqual([expect.objectContaining({ path: 'headers.x-thidua-actor.role' })]);

      const notJson = await api.request('POST', '/commands', { actor: council, body: '{"command":' });
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.issues).toEqual([expect.objectContaining({ path: 'body' })]);

      const unknownInEnvelope = await api.request('POST', '/commands', { actor: council, body: { command: 'PaintFlag', commandId: 'refusals-4', data: {} } });
      expect(unknownInEnvelope.status).toBe(400);
      expect(unknownInEnvelope.body.error.issues).toEqual([expect.objectContaining({ path: 'command' })]);

      const otherActor = await api.request('POST', '/commands', {
        actor: council,
        body: { command: 'OpenScoring', commandId: 'refusals-5', actor: member, data: { campaignId: campaign.campaignId, at: '2013-12-01T08:00:00+07:00' } },
      });
      expect(otherActor.status).toBe(400);
      expect(otherActor.body.error.issues).toEqual([expect.objectContaining({ path: 'actor' })]);
    });

    it('403 when the role may not do it (a member, an auditor, an unknown role)', async () => {
      const data = { blocId: 'refusals-other', name: 'X', authority: 'Y', establishedAt: '2013-01-02T08:00:00+07:00' };
      for (const actor of [member, { id: 'kiem-toan', role: 'auditor' }, { id: 'who', role: 'janitor' }]) {
        const reply = await api.named('EstablishBloc', actor, { commandId: `refusals-403-${actor.role}`, data });
        expect([actor.role, reply.status, reply.body.error.code]).toEqual([actor.role, 403, 'forbidden']);
      }
    });

    it('422 with the rule code when a business rule refuses the command', async () => {
      const reply = await api.named('RecordScore', campaign.chair, {
        commandId: 'refusals-422',
        data: { pledgeId: campaign.pledgeId('unit-01'), criterionId: 'c1', points: 11, assessor: 'verified', scoredAt: '2013-12-10T08:00:00+07:00' },
      });
      expect(reply.status).toBe(422);
      expect(reply.body.error).toMatchObject({ code: 'rule_violated', rule: 'score.exceeds_max' });
    });

    it('404 for an unknown command name or a command on something that does not exist', async () => {
      const unknownName = await api.named('PaintFlag', council, { commandId: 'refusals-404a', data: {} });
      expect([unknownName.status, unknownName.body.error.code]).toEqual([404, 'not_found']);
      const unknownPledge = await api.named('RecordScore', campaign.chair, {
        commandId: 'refusals-404b',
        data: { pledgeId: `${campaign.campaignId}.unit-99`, criterionId: 'c1', points: 5, assessor: 'verified', scoredAt: '2013-12-10T08:00:00+07:00' },
      });
      expect([unknownPledge.status, unknownPledge.body.error.code]).toEqual([404, 'not_found']);
    });

    it('405 with Allow for a known path and another method; 415 for a body that is not JSON; 413 for too large a body', async () => {
      const wrongMethod = await api.get('/commands');
      expect([wrongMethod.status, wrongMethod.headers.get('allow'), wrongMethod.body.error.code]).toEqual([405, 'POST', 'method_not_allowed']);
      const text = await api.request('POST', '/commands', { actor: council, body: 'command=EstablishBloc', headers: { 'content-type': 'text/plain' } });
      expect([text.status, text.body.error.code]).toEqual([415, 'unsupported_media_type']);
      const huge = await api.request('POST', '/commands', { actor: council, body: { command: 'EstablishBloc', commandId: 'x', data: { name: 'x'.repeat(100_000) } } });
      expect([huge.status, huge.body.error.code]).toEqual([413, 'payload_too_large']);
    });

    it('appends nothing for any refused command', async () => {
      const trail = await api.get(`/streams/pledge-${campaign.pledgeId('unit-01')}/audit-trail?waitFor=${(await eventStore.headPosition())!.toString()}`);
      expect(trail.body.map((entry: { type: string }) => entry.type)).toEqual(['PledgeSigned']);
    });
  });

  it('reports healthy projections', async () => {
    const health = await api.get('/healthz');
    expect([health.status, health.body]).toEqual([200, { status: 'ok' }]);
    expect(projectionErrors).toEqual([]);
  });
});

describe('closing the service', () => {
  it('stops listening and stops the projections; close() is idempotent', async () => {
    const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
    const projectionStore = createInMemoryProjectionStore();
    const closed: string[] = [];
    const service = createHttpService({ eventStore, projectionStore, onClosed: async () => void closed.push('released') });
    const { url } = await service.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/);
    const api = client(url);
    const reply = await api.command(tayNinh2013Commands[0]!);
    expect(reply.status).toBe(200);
    await Promise.all([service.close(), service.close()]);
    expect(closed).toEqual(['released']);
    expect(service.server.listening).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // The projections flushed before stopping: the bloc is in the chair history.
    expect(await projectionStore.getState('chair-history')).toMatchObject({ checkpoint: 1n });
    await eventStore.close();
    await projectionStore.close();
  });
});
