/**
 * Handler-level tests: commands through `createThidua().execute` on the
 * in-memory store. Roles read from the bloc stream, rules that read other
 * aggregates, validation of the envelope, idempotency and concurrency. Every
 * rejection asserts its code (and rule) and that the store head did not move.
 */
import { createEventRegistry, createInMemoryEventStore, defineEvent, type Actor, type EventStore, type RecordedEvent } from '@thidua/eventsourcing';
import { z } from 'zod';
import { expectRejectedWithNothingAppended } from '@thidua/eventsourcing/testing';
import {
  at,
  auditor,
  BLOC,
  CAMPAIGN,
  chairActor,
  cmd,
  council,
  CRITERIA,
  CT,
  memberActor,
  NN,
  OUTSIDER,
  stranger,
  TT,
  VQG,
  XD,
} from './fixtures.test-helper';
import { thiduaEventDefinitions, thiduaRegistry } from './registry';
import { RULES } from './rules';
import { campaignStream, pledgeIdOf } from './streams';
import { createThidua, type Thidua } from './thidua';

interface World {
  store: EventStore;
  thidua: Thidua;
  run(command: unknown): Promise<RecordedEvent[]>;
}

function world(): World {
  const store = createInMemoryEventStore({ registry: thiduaRegistry });
  const thidua = createThidua({ eventStore: store });
  return { store, thidua, run: async (command) => (await thidua.execute(command)).events };
}

const chair = chairActor(TT);
const UNITS = [NN, CT, TT, XD, VQG];

async function establish(w: World): Promise<void> {
  await w.run(cmd('EstablishBloc', council, { blocId: BLOC, name: 'Khối Thi đua Kinh tế - Kỹ thuật', authority: 'UBND tỉnh Tây Ninh', establishedAt: at('2013-01-02') }));
  for (const unitId of UNITS) await w.run(cmd('AdmitMember', council, { blocId: BLOC, unitId, unitName: `Đơn vị ${unitId}`, admittedAt: at('2013-01-03') }));
  await w.run(cmd('TransferChairFlag', council, { blocId: BLOC, toUnitId: TT, termYear: 2013, transferredAt: at('2013-01-05') }));
}

const launch = (campaignId = CAMPAIGN, year = 2013, actor: Actor = chair) =>
  cmd('LaunchCampaign', actor, { campaignId, blocId: BLOC, year, title: `Phong trào thi đua năm ${year}`, criteria: CRITERIA, bonusCap: 2, launchedAt: at(`${year}-01-15`) });
const sign = (unitId: string, actor: Actor = memberActor(unitId), campaignId = CAMPAIGN) =>
  cmd('SignPledge', actor, { campaignId, unitId, signedBy: `Giám đốc ${unitId}`, targets: [{ criterionId: 'c1', commitment: 'Hoàn thành 100% kế hoạch' }], signedAt: at('2013-02-01') });
const score = (unitId: string, criterionId: string, points: number, assessor: 'self' | 'cross' | 'verified', actor: Actor = assessor === 'self' ? memberActor(unitId) : chair) =>
  cmd('RecordScore', actor, { pledgeId: pledgeIdOf(CAMPAIGN, unitId), criterionId, points, assessor, scoredAt: at('2013-12-15') });
const openScoring = (actor: Actor = chair) => cmd('OpenScoring', actor, { campaignId: CAMPAIGN, at: at('2013-11-01') });
const closeScoring = () => cmd('CloseScoring', chair, { campaignId: CAMPAIGN, at: at('2014-01-31') });

/** Bloc with five members, TT chair of 2013, the 2013 campaign launched, four pledges signed, scoring open. */
async function scoringWorld(): Promise<World> {
  const w = world();
  await establish(w);
  await w.run(launch());
  for (const unitId of [NN, CT, TT, XD]) await w.run(sign(unitId));
  await w.run(openScoring());
  return w;
}

/** Scores NN 20, CT 19, TT 19, XD 12; scoring closed. */
async function scoredWorld(): Promise<World> {
  const w = await scoringWorld();
  const points: Record<string, [number, number]> = { [NN]: [10, 10], [CT]: [9.5, 9.5], [TT]: [9.75, 9.25], [XD]: [6, 6] };
  for (const [unitId, [c1, c2]] of Object.entries(points)) {
    await w.run(score(unitId, 'c1', c1 + 0.25 > 10 ? 10 : c1 + 0.25, 'self'));
    await w.run(score(unitId, 'c1', c1, 'verified'));
    await w.run(score(unitId, 'c2', c2, 'cross'));
  }
  await w.run(closeScoring());
  return w;
}

function issuePaths(error: Error): string[] {
  return ((error as Error & { issues: { path: string }[] }).issues ?? []).map((issue) => issue.path);
}

describe('createThidua', () => {
  describe('the event store it is given', () => {
    it('refuses a store created without a registry (validation_failed naming eventStore.registry), instead of trusting what it reads', () => {
      const store = createInMemoryEventStore();
      expect(() => createThidua({ eventStore: store })).toThrow(
        expect.objectContaining({ code: 'validation_failed', issues: [expect.objectContaining({ path: 'eventStore.registry', message: expect.stringContaining('without a registry') })] }),
      );
    });

    it('refuses a registry whose thidua types are not the domain’s own definitions, naming them', () => {
      const impostor = defineEvent('ScoreRecorded', z.object({ points: z.string() }));
      const registry = createEventRegistry([...thiduaEventDefinitions.filter((definition) => definition.type !== 'ScoreRecorded'), impostor]);
      expect(() => createThidua({ eventStore: createInMemoryEventStore({ registry }) })).toThrow(
        expect.objectContaining({ code: 'validation_failed', message: expect.stringContaining('does not parse ScoreRecorded') }),
      );
    });

    it('accepts a registry that holds the domain’s definitions beside others', async () => {
      const registry = createEventRegistry([...thiduaEventDefinitions, defineEvent('NoteTaken', z.object({ text: z.string() }))]);
      const eventStore = createInMemoryEventStore({ registry });
      const events = await createThidua({ eventStore }).execute(
        cmd('EstablishBloc', council, { blocId: BLOC, name: 'Khối Thi đua Kinh tế - Kỹ thuật', authority: 'UBND tỉnh Tây Ninh', establishedAt: at('2013-01-02') }),
      );
      expect(events.events.map((event) => event.type)).toEqual(['BlocEstablished']);
    });
  });

  describe('validation of the envelope (validation_failed, nothing appended)', () => {
    let w: World;
    beforeAll(async () => {
      w = await scoringWorld();
    });

    it.each([
      ['an unknown command', { command: 'PlantTree', commandId: 'x', actor: council, data: {} }, 'command'],
      ['no command at all', { commandId: 'x', actor: council, data: {} }, 'command'],
      ['not an object', 'EstablishBloc', 'command'],
      ['null', null, 'command'],
    ])('refuses %s', async (_what, input, path) => {
      const error = await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(input), 'validation_failed');
      expect(issuePaths(error)).toEqual([path]);
      expect(error.message).toContain('expected one of EstablishBloc');
    });

    it.each([
      ['a missing field', { ...sign(NN), data: { campaignId: CAMPAIGN, unitId: NN, targets: [], signedAt: at('2013-02-01') } }, 'data.signedBy', 'data.signedBy: is required'],
      ['points with 3 decimals', score(NN, 'c1', 8.125, 'self'), 'data.points', 'at most 2 decimals'],
      ['negative points', score(NN, 'c1', -1, 'self'), 'data.points', '0 or more'],
      ['a date without offset', { ...sign(OUTSIDER), data: { ...sign(OUTSIDER).data, signedAt: '2013-02-01T08:00:00' } }, 'data.signedAt', 'with offset'],
      ['an unknown key in data', { ...openScoring(), data: { campaignId: CAMPAIGN, at: at('2013-11-01'), campaignID: 'typo' } }, 'data', 'campaignID'],
      ['an id with a dot', { ...sign(NN), data: { ...sign(NN).data, unitId: 'so.nn' } }, 'data.unitId', 'letters'],
      ['a malformed pledge id', { ...score(NN, 'c1', 1, 'self'), data: { ...score(NN, 'c1', 1, 'self').data, pledgeId: 'no-dot' } }, 'data.pledgeId', '<campaignId>.<unitId>'],
      ['a vote without ranks', cmd('AssignRanks', chair, { campaignId: CAMPAIGN, basis: 'vote', assignedAt: at('2014-02-13') }), 'data.ranks', 'required when basis is "vote"'],
      ['a score ranking with ranks', cmd('AssignRanks', chair, { campaignId: CAMPAIGN, basis: 'score', ranks: [{ unitId: NN, rank: 1 }], assignedAt: at('2014-02-13') }), 'data.ranks', 'left out'],
      ['a rank of 0', cmd('AssignRanks', chair, { campaignId: CAMPAIGN, basis: 'vote', ranks: [{ unitId: NN, rank: 0 }], assignedAt: at('2014-02-13') }), 'data.ranks.0.rank', '1 or more'],
      ['an empty commandId', { ...openScoring(), commandId: '  ' }, 'commandId', 'must not be empty'],
      ['no actor', { command: 'OpenScoring', commandId: 'x', data: { campaignId: CAMPAIGN, at: at('2013-11-01') } }, 'actor', 'expected object'],
      ['an unknown review kind', cmd('HoldReview', chair, { campaignId: CAMPAIGN, kind: 'quarterly' as 'mid-year', hostUnitId: TT, heldAt: at('2013-07-01') }), 'data.kind', '"mid-year" or "year-end"'],
      ['an award id with a space', cmd('ProposeAward', chair, { campaignId: CAMPAIGN, unitId: NN, award: 'cờ thi đua', proposedAt: at('2014-02-14') }), 'data.award', 'letters'],
      [
        'awardQuotas beside a catalogue',
        { ...launch('kt-kt-2016', 2016), data: { ...launch('kt-kt-2016', 2016).data, awards: [{ awardId: 'bang-khen', title: 'Bằng khen', kind: 'certificate', quota: 2 }], awardQuotas: { 'provincial-flag': 1 } } },
        'data.awardQuotas',
        'left out when awards is given',
      ],
      [
        'a criterion in an undeclared group',
        { ...launch('kt-kt-2016', 2016), data: { ...launch('kt-kt-2016', 2016).data, criteria: [{ ...CRITERIA[0]!, groupId: 'chuyen-mon' }], groups: [{ groupId: 'khac', title: 'Khác' }] } },
        'data.criteria.0.groupId',
        'which groups does not declare',
      ],
      [
        'two awards with one id',
        { ...launch('kt-kt-2016', 2016), data: { ...launch('kt-kt-2016', 2016).data, awards: [{ awardId: 'co', title: 'Cờ', kind: 'flag', quota: 1 }, { awardId: 'co', title: 'Cờ', kind: 'flag', quota: 1 }] } },
        'data.awards.1',
        'duplicate awardId "co"',
      ],
      [
        'an award of an unknown kind',
        { ...launch('kt-kt-2016', 2016), data: { ...launch('kt-kt-2016', 2016).data, awards: [{ awardId: 'co', title: 'Cờ', kind: 'medal', quota: 1 }] } },
        'data.awards.0.kind',
        '"flag", "certificate" or "title"',
      ],
      ['a vote classification without classes', cmd('ClassifyPledges', chair, { campaignId: CAMPAIGN, basis: 'vote', classifiedAt: at('2014-02-13') }), 'data.classes', 'required when basis is "vote"'],
      ['a score classification with classes', cmd('ClassifyPledges', chair, { campaignId: CAMPAIGN, basis: 'score', classes: [{ unitId: NN, tierId: 'tot' }], classifiedAt: at('2014-02-13') }), 'data.classes', 'left out'],
      [
        'a decision without its reference',
        { ...cmd('DecideAward', council, { campaignId: CAMPAIGN, unitId: NN, award: 'provincial-flag', outcome: 'granted', decisionRef: 'x', decidedAt: at('2014-04-01') }), data: { campaignId: CAMPAIGN, unitId: NN, award: 'provincial-flag', outcome: 'granted', decidedAt: at('2014-04-01') } },
        'data.decisionRef',
        'is required',
      ],
      ['a decision neither granted nor declined', cmd('DecideAward', council, { campaignId: CAMPAIGN, unitId: NN, award: 'provincial-flag', outcome: 'deferred' as 'granted', decisionRef: 'QĐ 1', decidedAt: at('2014-04-01') }), 'data.outcome', '"granted" or "declined"'],
      [
        'duplicate criterion ids',
        { ...launch('kt-kt-2014', 2014), data: { ...launch('kt-kt-2014', 2014).data, criteria: [CRITERIA[0], CRITERIA[0]] } },
        'data.criteria.1',
        'duplicate criterionId "c1"',
      ],
      ['a zero maxPoints', { ...launch('kt-kt-2014', 2014), data: { ...launch('kt-kt-2014', 2014).data, criteria: [{ criterionId: 'c1', title: 't', maxPoints: 0 }] } }, 'data.criteria.0.maxPoints', 'more than 0'],
      ['a year that is not whole', { ...launch('kt-kt-2014', 2014), data: { ...launch('kt-kt-2014', 2014).data, year: 2014.5 } }, 'data.year', 'whole year'],
    ])('refuses %s, naming the field', async (_what, input, path, words) => {
      const error = await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(input), 'validation_failed');
      expect(issuePaths(error)).toContain(path);
      expect(error.message).toContain(words);
    });
  });

  describe('text every store can hold (validation_failed naming the path, nothing appended)', () => {
    let w: World;
    beforeAll(async () => {
      w = await scoringWorld();
    });

    it.each([
      ['U+0000 in a reason', cmd('WithdrawPledge', memberActor(NN), { pledgeId: pledgeIdOf(CAMPAIGN, NN), reason: 'Rút\u0000 đăng ký', at: at('2013-09-01') }), 'data.reason', 'U+0000'],
      ['a lone high surrogate in a note', { ...score(NN, 'c1', 8, 'self'), data: { ...score(NN, 'c1', 8, 'self').data, note: 'Ghi chú \uD83D' } }, 'data.note', 'lone surrogate'],
      ['a lone low surrogate in a unit name', cmd('AdmitMember', council, { blocId: BLOC, unitId: OUTSIDER, unitName: '\uDE00Sở Y tế', admittedAt: at('2013-03-01') }), 'data.unitName', 'lone surrogate'],
      ['U+0000 in a criterion title', launch('kt-kt-2015', 2015, council), 'data.criteria.0.title', 'U+0000'],
      ['U+0000 in the actor id', cmd('OpenScoring', { id: 'hd\u0000tdkt', role: 'council' }, { campaignId: CAMPAIGN, at: at('2013-11-01') }), 'actor.id', 'U+0000'],
      ['a lone surrogate in the commandId', { ...openScoring(), commandId: 'c-\uDBFF' }, 'commandId', 'lone surrogate'],
    ])('given a campaign in scoring, when a command carries %s, then it is refused', async (what, command, path, message) => {
      const input = what === 'U+0000 in a criterion title' ? { ...command, data: { ...(command as { data: object }).data, criteria: [{ criterionId: 'c1', title: 'Nhiệm vụ\u0000', maxPoints: 10 }] } } : command;
      const error = await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(input), 'validation_failed');
      expect(issuePaths(error)).toEqual([path]);
      expect(error.message).toContain(message);
    });

    it('keeps well-formed text, surrogate pairs included', async () => {
      const events = await w.run(cmd('AdmitMember', council, { blocId: BLOC, unitId: 'so-van-hoa', unitName: 'Sở Văn hóa 🏅', admittedAt: at('2013-03-01') }));
      expect(events[0]?.data).toMatchObject({ unitName: 'Sở Văn hóa 🏅' });
    });
  });

  describe('actors are read from their own properties only (nothing appended)', () => {
    let w: World;
    beforeAll(async () => {
      w = await scoringWorld();
    });
    const admit = (actor: unknown) => ({ ...cmd('AdmitMember', council, { blocId: BLOC, unitId: OUTSIDER, unitName: 'Sở Y tế', admittedAt: at('2013-03-01') }), actor });

    it('given an actor whose role sits on its prototype, when it admits a member, then it has no role (validation_failed on actor.role)', async () => {
      const actor = Object.assign(Object.create({ role: 'council' }) as object, { id: 'hdtdkt' });
      const error = await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(admit(actor)), 'validation_failed');
      expect(issuePaths(error)).toEqual(['actor.role']);
    });

    it('given an actor that is all prototype, when it admits a member, then it is refused', async () => {
      const error = await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(admit(Object.create({ id: 'hdtdkt', role: 'council' }))), 'validation_failed');
      expect(issuePaths(error).sort()).toEqual(['actor.id', 'actor.role']);
    });

    it('given a chair whose unitId sits on its prototype, when it opens scoring, then it is refused as a chair without a unit (forbidden)', async () => {
      const actor = Object.assign(Object.create({ unitId: TT }) as object, { id: 'x', role: 'chair' });
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute({ ...closeScoring(), actor }), 'forbidden');
    });

    it('given a command whose data sits on its prototype, when it runs, then the data is missing', async () => {
      const command = Object.assign(Object.create({ data: { blocId: BLOC, unitId: OUTSIDER, unitName: 'Sở Y tế', admittedAt: at('2013-03-01') } }) as object, {
        command: 'AdmitMember',
        commandId: 'proto-data',
        actor: council,
      });
      const error = await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(command), 'validation_failed');
      expect(issuePaths(error)).toEqual(['data']);
    });

    it('reads a "__proto__" key of parsed JSON as an unknown key, not as a prototype', async () => {
      const command = JSON.parse(JSON.stringify(admit(council)).replace('"data":{', '"data":{"__proto__":{"x":1},')) as unknown;
      const error = await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(command), 'validation_failed');
      expect(error.message).toContain('__proto__');
    });
  });

  describe('roles, with the chair read from the bloc stream', () => {
    it('the chair of the campaign’s year keeps running it after handing the flag on; the new holder may not', async () => {
      const w = await scoringWorld();
      await w.run(cmd('TransferChairFlag', chair, { blocId: BLOC, toUnitId: XD, termYear: 2014, transferredAt: at('2014-02-13') }));
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute({ ...closeScoring(), actor: chairActor(XD) }), 'forbidden');
      expect((await w.thidua.execute(closeScoring())).events.map((e) => e.type)).toEqual(['ScoringClosed']);
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(launch('kt-kt-2014', 2014, chair)), 'forbidden');
      expect((await w.thidua.execute(launch('kt-kt-2014', 2014, chairActor(XD)))).events.map((e) => e.type)).toEqual(['CampaignLaunched']);
    });

    it('the former holder can no longer transfer the flag (flag.not_holder)', async () => {
      const w = await scoringWorld();
      await w.run(cmd('TransferChairFlag', chair, { blocId: BLOC, toUnitId: XD, termYear: 2014, transferredAt: at('2014-02-13') }));
      await expectRejectedWithNothingAppended(
        w.store,
        () => w.thidua.execute(cmd('TransferChairFlag', chair, { blocId: BLOC, toUnitId: VQG, termYear: 2015, transferredAt: at('2015-02-13') })),
        'rule_violated',
        RULES.flagNotHolder,
      );
    });

    it('a member acts only for its own unit', async () => {
      const w = await scoringWorld();
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(score(CT, 'c1', 5, 'self', memberActor(NN))), 'forbidden');
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(sign(VQG, memberActor(NN))), 'forbidden');
      await expectRejectedWithNothingAppended(
        w.store,
        () => w.thidua.execute(cmd('WithdrawPledge', memberActor(NN), { pledgeId: pledgeIdOf(CAMPAIGN, CT), reason: 'x', at: at('2013-09-01') })),
        'forbidden',
      );
      expect((await w.thidua.execute(score(NN, 'c1', 5, 'self'))).events).toHaveLength(1);
    });

    it.each([
      ['an auditor', auditor],
      ['an unknown role', stranger],
    ])('%s cannot write anything', async (_who, actor) => {
      const w = await scoringWorld();
      const attempts = [
        cmd('AdmitMember', actor, { blocId: BLOC, unitId: OUTSIDER, unitName: 'Sở Y tế', admittedAt: at('2013-03-01') }),
        cmd('TransferChairFlag', actor, { blocId: BLOC, toUnitId: XD, termYear: 2014, transferredAt: at('2014-02-13') }),
        openScoring(actor),
        sign(VQG, actor),
        score(NN, 'c1', 5, 'verified', actor),
        cmd('WithdrawPledge', actor, { pledgeId: pledgeIdOf(CAMPAIGN, NN), reason: 'x', at: at('2013-09-01') }),
      ];
      for (const attempt of attempts) await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(attempt), 'forbidden');
    });
  });

  describe('rules that read other aggregates', () => {
    it('signing reads the campaign and the bloc’s members', async () => {
      const w = await scoringWorld();
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(sign(NN, memberActor(NN), 'no-such-campaign')), 'not_found');
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(sign(OUTSIDER)), 'rule_violated', RULES.pledgeNotMember);
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(sign(NN)), 'rule_violated', RULES.pledgeAlreadySigned);
      await w.run(cmd('RemoveMember', council, { blocId: BLOC, unitId: VQG, reason: 'Sáp nhập', removedAt: at('2013-06-01') }));
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(sign(VQG)), 'rule_violated', RULES.pledgeNotMember);
      await w.run(closeScoring());
      await w.run(cmd('AdmitMember', council, { blocId: BLOC, unitId: VQG, unitName: 'Ban Quản lý VQG Lò Gò – Xa Mát', admittedAt: at('2014-02-01') }));
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(sign(VQG)), 'rule_violated', RULES.campaignSigningClosed);
    });

    it('scoring reads the campaign’s criteria and phase', async () => {
      const w = await scoringWorld();
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(score(NN, 'c3', 5.51, 'verified')), 'rule_violated', RULES.scoreExceedsMax);
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(score(NN, 'c9', 1, 'verified')), 'rule_violated', RULES.scoreUnknownCriterion);
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(score(VQG, 'c1', 1, 'self')), 'not_found');
      await w.run(closeScoring());
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(score(NN, 'c1', 5, 'verified')), 'rule_violated', RULES.campaignScoringClosed);
    });

    it('ranking by score reads every pledge’s exact total; ties share a rank', async () => {
      const w = await scoredWorld();
      await w.run(cmd('WithdrawPledge', memberActor(XD), { pledgeId: pledgeIdOf(CAMPAIGN, XD), reason: 'Rút', at: at('2014-02-01') }));
      const events = await w.run(cmd('AssignRanks', chair, { campaignId: CAMPAIGN, basis: 'score', assignedAt: at('2014-02-13') }));
      expect(events.map((e) => e.data)).toEqual([
        expect.objectContaining({ unitId: NN, rank: 1, totalPoints: 20, basis: 'score' }),
        expect.objectContaining({ unitId: CT, rank: 2, totalPoints: 19 }),
        expect.objectContaining({ unitId: TT, rank: 2, totalPoints: 19 }),
      ]);
      expect(new Set(events.map((e) => e.position)).size).toBe(3);
    });

    it('a vote ballot must cover every active pledge (ranks.incomplete) and nothing else (ranks.unknown_unit)', async () => {
      const w = await scoredWorld();
      const vote = (ranks: { unitId: string; rank: number }[]) => cmd('AssignRanks', chair, { campaignId: CAMPAIGN, basis: 'vote', ranks, assignedAt: at('2014-02-13') });
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(vote([{ unitId: NN, rank: 1 }, { unitId: CT, rank: 2 }, { unitId: TT, rank: 3 }])), 'rule_violated', RULES.ranksIncomplete);
      await expectRejectedWithNothingAppended(
        w.store,
        () => w.thidua.execute(vote([NN, CT, TT, XD, VQG].map((unitId, i) => ({ unitId, rank: i + 1 })))),
        'rule_violated',
        RULES.ranksUnknownUnit,
      );
      const events = await w.run(vote([NN, CT, TT, XD].map((unitId, i) => ({ unitId, rank: i + 1 }))));
      expect(events.map((e) => [(e.data as { unitId: string }).unitId, (e.data as { rank: number }).rank])).toEqual([
        [NN, 1],
        [CT, 2],
        [TT, 3],
        [XD, 4],
      ]);
    });

    it('an award reads the pledge’s status: no award to a pledge withdrawn after ranking', async () => {
      const w = await scoredWorld();
      await w.run(cmd('AssignRanks', chair, { campaignId: CAMPAIGN, basis: 'score', assignedAt: at('2014-02-13') }));
      await w.run(cmd('WithdrawPledge', memberActor(NN), { pledgeId: pledgeIdOf(CAMPAIGN, NN), reason: 'Rút', at: at('2014-02-14') }));
      const propose = (unitId: string, award: 'provincial-flag' | 'government-flag' | 'certificate-of-merit') =>
        cmd('ProposeAward', chair, { campaignId: CAMPAIGN, unitId, award, proposedAt: at('2014-02-15') });
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(propose(NN, 'provincial-flag')), 'rule_violated', RULES.awardPledgeInactive);
      await w.run(propose(CT, 'provincial-flag'));
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(propose(TT, 'provincial-flag')), 'rule_violated', RULES.awardQuotaExceeded);
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(propose(XD, 'government-flag')), 'rule_violated', RULES.awardFlagRankTooLow);
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(propose(CT, 'certificate-of-merit')), 'rule_violated', RULES.awardOnePerUnit);
    });

    it('launching reads the other campaigns of the bloc: one campaign per bloc and year (campaign.year_taken)', async () => {
      const w = world();
      await establish(w);
      await w.run(launch());
      await expectRejectedWithNothingAppended(w.store, () => w.run(launch('second-2013')), 'rule_violated', RULES.campaignYearTaken);
      await w.run(launch('ke-hoach-2014', 2014, council));
    });
    it('a campaign of a bloc that does not exist is not_found', async () => {
      const w = world();
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(launch('x-2013', 2013, council)), 'not_found');
    });
  });

  describe('domain v2 through the handler: classes, catalogue and the council’s decision after closing', () => {
    let w: World;
    beforeAll(async () => {
      w = world();
      await establish(w);
      const base = launch().data;
      await w.run(
        cmd('LaunchCampaign', chair, {
          ...base,
          awards: [
            { awardId: 'co-hang-nhat', title: 'Cờ thi đua hạng Nhất', kind: 'flag', quota: 1, maxRank: 1, group: 'co' },
            { awardId: 'bang-khen', title: 'Bằng khen', kind: 'certificate', quota: 2, group: 'bk' },
          ],
          tiers: [
            { tierId: 'xuat-sac', title: 'Hoàn thành xuất sắc', minTotal: 19 },
            { tierId: 'tot', title: 'Hoàn thành tốt' },
          ],
        }),
      );
      for (const unitId of [NN, CT, TT]) await w.run(sign(unitId));
      await w.run(openScoring());
      for (const [unitId, points] of [[NN, 10], [CT, 9.5], [TT, 9]] as const) {
        await w.run(score(unitId, 'c1', points, 'verified'));
        await w.run(score(unitId, 'c2', points, 'verified'));
      }
      await w.run(closeScoring());
    });

    it('classifies the pledges read from their streams, by score', async () => {
      const [event] = await w.run(cmd('ClassifyPledges', chair, { campaignId: CAMPAIGN, basis: 'score', classifiedAt: at('2014-02-13') }));
      expect(event?.data).toMatchObject({ basis: 'score', classes: [{ unitId: CT, tierId: 'xuat-sac' }, { unitId: NN, tierId: 'xuat-sac' }, { unitId: TT, tierId: 'tot' }] });
    });

    it('proposes a flag and a certificate to one unit, then the council decides after the campaign closed', async () => {
      await w.run(cmd('AssignRanks', chair, { campaignId: CAMPAIGN, basis: 'score', assignedAt: at('2014-02-13') }));
      await w.run(cmd('ProposeAward', chair, { campaignId: CAMPAIGN, unitId: NN, award: 'co-hang-nhat', proposedAt: at('2014-02-13') }));
      await w.run(cmd('ProposeAward', chair, { campaignId: CAMPAIGN, unitId: NN, award: 'bang-khen', proposedAt: at('2014-02-13') }));
      await expectRejectedWithNothingAppended(
        w.store,
        () => w.thidua.execute(cmd('ProposeAward', chair, { campaignId: CAMPAIGN, unitId: CT, award: 'co-hang-nhat', proposedAt: at('2014-02-13') })),
        'rule_violated',
        RULES.awardQuotaExceeded,
      );
      await w.run(cmd('CloseCampaign', chair, { campaignId: CAMPAIGN, closedAt: at('2014-02-20') }));
      const decision = { campaignId: CAMPAIGN, unitId: NN, award: 'co-hang-nhat', outcome: 'granted' as const, decisionRef: 'Quyết định số 512/QĐ-UBND', decidedAt: at('2014-04-02') };
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(cmd('DecideAward', chair, decision)), 'forbidden');
      const [decided] = await w.run(cmd('DecideAward', council, decision));
      expect(decided?.type).toBe('AwardDecided');
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(cmd('DecideAward', council, decision)), 'rule_violated', RULES.decisionAlreadyDecided);
      await expectRejectedWithNothingAppended(
        w.store,
        () => w.thidua.execute(cmd('ClassifyPledges', chair, { campaignId: CAMPAIGN, basis: 'score', classifiedAt: at('2014-02-21') })),
        'rule_violated',
        RULES.campaignClosed,
      );
    });
  });

  describe('idempotency and concurrency', () => {
    it('a re-sent command appends nothing and returns the first result', async () => {
      const w = await scoringWorld();
      const command = score(NN, 'c1', 7.5, 'verified');
      const first = await w.thidua.execute(command);
      const head = await w.store.headPosition();
      const again = await w.thidua.execute(command);
      expect(again.duplicate).toBe(true);
      expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
      expect(await w.store.headPosition()).toBe(head);
    });

    it('two units racing to sign one pledge: one wins, the other is refused (pledge.already_signed)', async () => {
      const w = await scoringWorld();
      const head = await w.store.headPosition();
      const results = await Promise.allSettled([w.thidua.execute(sign(VQG)), w.thidua.execute(sign(VQG, council))]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected?.reason).toMatchObject({ code: 'rule_violated', rule: RULES.pledgeAlreadySigned });
      expect(await w.store.headPosition()).toBe((head ?? 0n) + 1n);
    });

    it('a cached write side sees what another write side on the same store changed in the campaign and the pledge', async () => {
      const w = await scoringWorld();
      // Warm this write side's cache on the pledge, campaign and bloc streams.
      await w.thidua.execute(score(NN, 'c1', 5, 'verified'));
      const other = createThidua({ eventStore: w.store });
      const close = closeScoring();
      await other.execute(close);
      await expectRejectedWithNothingAppended(w.store, () => w.thidua.execute(score(NN, 'c2', 5, 'verified')), 'rule_violated', RULES.campaignScoringClosed);
      // And a command the other write side ran is a re-send here, found without its own history of it.
      const again = await w.thidua.execute(close);
      expect(again.duplicate).toBe(true);
    });

    it('gives the same answers with the state cache turned off', async () => {
      const store = createInMemoryEventStore({ registry: thiduaRegistry });
      const thidua = createThidua({ eventStore: store, stateCache: false });
      const w: World = { store, thidua, run: async (command) => (await thidua.execute(command)).events };
      await establish(w);
      await w.run(launch());
      await w.run(sign(NN));
      await w.run(openScoring());
      const command = score(NN, 'c1', 7.5, 'verified');
      const first = await thidua.execute(command);
      expect((await thidua.execute(command)).events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    });

    it('records who did it, under which command, in the metadata', async () => {
      const w = await scoringWorld();
      const [event] = await w.run({ ...score(NN, 'c1', 7.5, 'verified'), commandId: 'cmd-meta', correlationId: 'review-2013' });
      expect(event?.metadata).toMatchObject({ commandId: 'cmd-meta', correlationId: 'review-2013', causationId: 'cmd-meta', actor: chair });
      expect(event?.streamId).toBe(`pledge-${CAMPAIGN}.${NN}`);
      const campaignEvents: string[] = [];
      for await (const e of w.store.readStream(campaignStream(CAMPAIGN))) campaignEvents.push(e.type);
      expect(campaignEvents).toEqual(['CampaignLaunched', 'ScoringOpened']);
    });
  });
});
