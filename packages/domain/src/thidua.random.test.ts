/**
 * Randomised test: long seeded sequences of commands, valid and invalid,
 * through `createThidua().execute` on the in-memory store. After every
 * command a rejection must have appended nothing; every so often the whole
 * log is replayed in position order by an independent referee that checks,
 * event by event, against the other aggregates as they stood at that
 * position: one flag holder, scores within bounds and phases, rankings
 * consistent with totals, awards within quotas, and every event issued by an
 * actor allowed to. Deterministic: a failing seed reproduces exactly.
 */
import { createInMemoryEventStore, isThiduaError, type EventStore, type RecordedEvent } from '@thidua/eventsourcing';
import { blocDecider } from './bloc/bloc.decider';
import { isMember, type BlocState, type EstablishedBloc } from './bloc/bloc.state';
import { campaignDecider } from './campaign/campaign.decider';

import { flagsAllowed, type CampaignState, type LaunchedCampaign } from './campaign/campaign.state';
import { loadBloc } from './load';
import { pledgeDecider } from './pledge/pledge.decider';
import type { PledgeState, SignedPledge } from './pledge/pledge.state';
import { compareRanked, isValidRanking, rankByScore } from './ranking';
import { thiduaRegistry, type ThiduaEvent, type ThiduaEventData, type ThiduaEventType } from './registry';
import { chairForYear, currentFlagHolder, deputyForYear } from './roles';
import { pledgeTotal, toHundredths } from './scoring';
import { blocStream, campaignStream, parseStreamId, pledgeIdOf, pledgeStream } from './streams';
import { RandomCommands, RANDOM_BLOCS, seededRandom } from './testing/random-commands';
import { createThidua, type Thidua } from './thidua';

// ---- the referee: replays the log in position order and checks every event

type Recorded = RecordedEvent & ThiduaEvent;

class Referee {
  private readonly blocs = new Map<string, BlocState>();
  private readonly campaigns = new Map<string, CampaignState>();
  private readonly pledges = new Map<string, PledgeState>();
  private pendingRanking: { commandId: string; campaignId: string; events: Recorded[] } | null = null;
  readonly problems: string[] = [];

  private fail(event: Recorded, message: string): void {
    this.problems.push(`${event.type} at ${event.streamId}@${event.revision} (position ${event.position}): ${message}`);
  }

  private check(event: Recorded, ok: boolean, message: string): void {
    if (!ok) this.fail(event, message);
  }

  private bloc(blocId: string): BlocState {
    return this.blocs.get(blocId) ?? { established: false };
  }

  private campaign(campaignId: string): CampaignState {
    return this.campaigns.get(campaignId) ?? { launched: false };
  }

  private pledge(pledgeId: string): PledgeState {
    return this.pledges.get(pledgeId) ?? { signed: false };
  }

  private activePledges(campaign: LaunchedCampaign): SignedPledge[] {
    return [...this.pledges.values()].filter((p): p is SignedPledge => p.signed && p.campaignId === campaign.campaignId && p.status === 'active');
  }

  private allowed(event: Recorded, who: 'council' | { chair: string | null } | { member: string }): void {
    const actor = event.metadata.actor;
    if (!actor) return this.fail(event, 'no actor in metadata');
    if (actor.role === 'council') return;
    if (who === 'council') return this.fail(event, `issued by ${actor.role}, not the council`);
    if ('chair' in who) return this.check(event, actor.role === 'chair' && actor.unitId === who.chair && who.chair !== null, `issued by ${actor.role} ${actor.unitId}, chair is ${who.chair}`);
    return this.check(event, actor.role === 'member' && actor.unitId === who.member, `issued by ${actor.role} ${actor.unitId} for unit ${who.member}`);
  }

  private flushRanking(): void {
    const pending = this.pendingRanking;
    this.pendingRanking = null;
    if (!pending) return;
    const first = pending.events[0]!;
    const campaign = this.campaign(pending.campaignId);
    if (!campaign.launched) return this.fail(first, 'ranking of an unknown campaign');
    const rows = pending.events.map((e) => e.data as { unitId: string; rank: number; totalPoints: number; basis: string });
    const units = rows.map((r) => r.unitId);
    this.check(first, new Set(units).size === units.length, 'a unit ranked twice in one ranking');
    this.check(first, isValidRanking(rows.map((r) => r.rank)), `invalid ranks ${rows.map((r) => r.rank).join(',')}`);
    this.check(first, rows.every((r, i) => i === 0 || compareRanked(rows[i - 1]!, r) <= 0), 'rows not ordered by rank then unitId');
    this.check(first, new Set(rows.map((r) => r.basis)).size === 1, 'mixed bases in one ranking');
    const active = this.activePledges(campaign);
    this.check(first, [...units].sort().join() === active.map((p) => p.unitId).sort().join(), `ranked ${units.sort().join()} but active were ${active.map((p) => p.unitId).sort().join()}`);
    const criterionIds = campaign.criteria.map((c) => c.criterionId);
    for (const row of rows) {
      const pledge = active.find((p) => p.unitId === row.unitId);
      if (!pledge) continue;
      const total = pledgeTotal({ criterionIds, bonusCap: campaign.bonusCap, scores: pledge.scores, adjustments: pledge.adjustments }).total;
      this.check(first, total === row.totalPoints, `totalPoints ${row.totalPoints} of ${row.unitId}, computed ${total}`);
    }
    if (rows[0]?.basis === 'score') {
      const expected = rankByScore(rows.map((r) => ({ unitId: r.unitId, total: r.totalPoints })));
      this.check(first, JSON.stringify(expected.map((r) => [r.unitId, r.rank])) === JSON.stringify(rows.map((r) => [r.unitId, r.rank])), 'score ranks do not follow the totals');
    }
    const ranking = campaign.ranking;
    this.check(first, ranking !== null && JSON.stringify(ranking.rows.map((r) => [r.unitId, r.rank])) === JSON.stringify(rows.map((r) => [r.unitId, r.rank])), 'evolve did not take the new ranking as the ranking in force');
  }

  apply(event: Recorded): void {
    if (this.pendingRanking && (event.type !== 'RankAssigned' || event.metadata.commandId !== this.pendingRanking.commandId)) this.flushRanking();
    const parsed = parseStreamId(event.streamId);
    if (!parsed) return this.fail(event, 'not a thidua stream');
    switch (parsed.kind) {
      case 'bloc':
        return this.applyBloc(parsed.blocId, event);
      case 'campaign':
        return this.applyCampaign(parsed.campaignId, event);
      case 'pledge':
        return this.applyPledge(parsed.pledgeId, event);
    }
  }

  private applyBloc(blocId: string, event: Recorded): void {
    const before = this.bloc(blocId);
    const bloc = before.established ? before : null;
    const holder = bloc ? currentFlagHolder(bloc.flag) : null;
    switch (event.type) {
      case 'BlocEstablished':
        this.check(event, bloc === null, 'established twice');
        this.allowed(event, 'council');
        break;
      case 'MemberAdmitted':
        this.check(event, bloc !== null && !isMember(bloc, event.data.unitId), 'admitted twice or to no bloc');
        this.allowed(event, 'council');
        break;
      case 'MemberRemoved':
        this.check(event, bloc !== null && isMember(bloc, event.data.unitId), 'removed a non-member');
        this.check(event, holder?.toUnitId !== event.data.unitId, 'removed the flag holder');
        this.allowed(event, 'council');
        break;
      case 'ChairFlagTransferred':
        this.check(event, bloc !== null && isMember(bloc, event.data.toUnitId), 'flag to a non-member');
        this.check(event, event.data.fromUnitId === (holder?.toUnitId ?? null), `flag from ${event.data.fromUnitId}, holder was ${holder?.toUnitId}`);
        this.check(event, !holder || event.data.termYear > holder.termYear, 'flag to an earlier or equal term');
        this.check(event, !bloc || deputyForYear(bloc.deputies, event.data.termYear) !== event.data.toUnitId, 'flag to the deputy of the term');
        this.allowed(event, { chair: holder?.toUnitId ?? null });
        break;
      case 'DeputyChairElected':
        this.check(event, bloc !== null && isMember(bloc, event.data.unitId), 'deputy not a member');
        this.check(event, !bloc || chairForYear(bloc.flag, event.data.termYear) !== event.data.unitId, 'deputy is the chair of the term');
        this.allowed(event, { chair: holder?.toUnitId ?? null });
        break;
      default:
        return this.fail(event, 'not a bloc event');
    }
    const after = blocDecider.evolve(before, event);
    this.blocs.set(blocId, after);
    if (after.established) {
      const current = currentFlagHolder(after.flag);
      this.check(event, !current || isMember(after, current.toUnitId), 'the flag holder is not a member');
      this.check(event, after.flag.every((t, i) => i === 0 || t.termYear > after.flag[i - 1]!.termYear), 'flag terms not strictly increasing');
    }
  }

  private applyCampaign(campaignId: string, event: Recorded): void {
    const before = this.campaign(campaignId);
    if (event.type === 'CampaignLaunched') {
      const data: ThiduaEventData<'CampaignLaunched'> = event.data;
      const bloc = this.bloc(data.blocId);
      this.check(event, !before.launched, 'launched twice');
      this.check(event, bloc.established, 'launched in no bloc');
      this.allowed(event, { chair: bloc.established ? chairForYear(bloc.flag, data.year) : null });
      this.campaigns.set(campaignId, campaignDecider.evolve(before, event));
      return;
    }
    if (!before.launched) return this.fail(event, 'event of a campaign never launched');
    const bloc = this.bloc(before.blocId) as EstablishedBloc;
    this.allowed(event, event.type === 'AwardDecided' ? 'council' : { chair: chairForYear(bloc.flag, before.year) });
    const phase = before.phase;
    switch (event.type) {
      case 'ScoringOpened':
        this.check(event, phase === 'launched', `opened in phase ${phase}`);
        break;
      case 'ScoringClosed':
        this.check(event, phase === 'scoring', `closed scoring in phase ${phase}`);
        break;
      case 'CampaignClosed':
        this.check(event, phase === 'scoring-closed', `closed in phase ${phase}`);
        break;
      case 'ReviewHeld':
        this.check(event, phase !== 'closed', 'review after closing');
        this.check(event, isMember(bloc, event.data.hostUnitId), 'review hosted by a non-member');
        this.check(event, !before.reviews.some((r) => r.kind === event.data.kind), 'review held twice');
        break;
      case 'RankAssigned': {
        this.check(event, phase === 'scoring-closed', `ranked in phase ${phase}`);
        this.check(event, before.awards.length === 0, 're-ranked after awards');
        const commandId = event.metadata.commandId ?? '';
        if (!this.pendingRanking) this.pendingRanking = { commandId, campaignId, events: [] };
        this.pendingRanking.events.push(event);
        break;
      }
      case 'AwardProposed': {
        this.check(event, phase === 'scoring-closed', `award in phase ${phase}`);
        const row = before.ranking?.rows.find((r) => r.unitId === event.data.unitId);
        this.check(event, row !== undefined, 'award to an unranked unit');
        const pledge = this.pledge(pledgeIdOf(campaignId, event.data.unitId));
        this.check(event, pledge.signed && pledge.status === 'active', 'award to an inactive pledge');
        const groupOf = (awardId: string) => before.catalogue.find((a) => a.awardId === awardId)?.group ?? null;
        const entry = before.catalogue.find((a) => a.awardId === event.data.award);
        this.check(event, entry !== undefined, `award ${event.data.award} not in the catalogue`);
        this.check(event, !before.awards.some((a) => a.unitId === event.data.unitId && groupOf(a.award) === groupOf(event.data.award)), 'two awards to one unit in one group');
        this.check(event, before.awards.filter((a) => a.award === event.data.award).length < (entry?.quota ?? 0), 'award quota exceeded');
        if (before.awardQuotas !== null) {
          // v1's own rules, written as v1 wrote them: no catalogue in the way.
          this.check(event, !before.awards.some((a) => a.unitId === event.data.unitId), 'two awards to one unit');
          const quota = before.awardQuotas[event.data.award as keyof typeof before.awardQuotas];
          this.check(event, before.awards.filter((a) => a.award === event.data.award).length < quota, 'v1 award quota exceeded');
          if (event.data.award !== 'certificate-of-merit') this.check(event, (row?.rank ?? Infinity) <= flagsAllowed(before.awardQuotas), 'flag to a unit ranked too low');
        } else if (entry?.maxRank !== undefined) {
          this.check(event, (row?.rank ?? Infinity) <= entry.maxRank, `${event.data.award} to a unit ranked below ${entry.maxRank}`);
        }
        break;
      }
      case 'AwardDecided': {
        this.check(event, phase === 'scoring-closed' || phase === 'closed', `decision in phase ${phase}`);
        this.check(event, before.awards.some((a) => a.unitId === event.data.unitId && a.award === event.data.award), 'decision on an award never proposed');
        this.check(event, !before.decisions.some((d) => d.unitId === event.data.unitId && d.award === event.data.award), 'two decisions on one award');
        break;
      }
      case 'PledgesClassified': {
        this.check(event, phase === 'scoring-closed', `classified in phase ${phase}`);
        this.check(event, before.tiers.length > 0, 'classified without tiers');
        const active = this.activePledges(before);
        const classes = event.data.classes;
        this.check(event, new Set(classes.map((c) => c.unitId)).size === classes.length, 'a unit classified twice');
        this.check(event, classes.every((c) => before.tiers.some((t) => t.tierId === c.tierId)), 'an unknown tier');
        this.check(event, classes.every((c) => active.some((p) => p.unitId === c.unitId && p.pledgeId === c.pledgeId)), 'a class for an inactive or unknown pledge');
        if (event.data.basis === 'vote') {
          this.check(event, classes.length === active.length, 'a vote leaving out an active pledge');
        } else {
          const criterionIds = before.criteria.map((c) => c.criterionId);
          for (const pledge of active) {
            const total = toHundredths(pledgeTotal({ criterionIds, bonusCap: before.bonusCap, scores: pledge.scores, adjustments: pledge.adjustments }).total);
            const expected = before.tiers.find((t) => t.minTotal === undefined || total >= toHundredths(t.minTotal))?.tierId ?? null;
            this.check(event, (classes.find((c) => c.unitId === pledge.unitId)?.tierId ?? null) === expected, `${pledge.unitId} classified against its total`);
          }
        }
        break;
      }
      default:
        return this.fail(event, 'not a campaign event');
    }
    this.campaigns.set(campaignId, campaignDecider.evolve(before, event));
  }

  private applyPledge(pledgeId: string, event: Recorded): void {
    const before = this.pledge(pledgeId);
    if (event.type === 'PledgeSigned') {
      const campaign = this.campaign(event.data.campaignId);
      const bloc = this.bloc(event.data.blocId);
      this.check(event, !before.signed, 'signed twice');
      this.check(event, event.data.pledgeId === pledgeId && pledgeId === pledgeIdOf(event.data.campaignId, event.data.unitId), 'pledge id does not match');
      this.check(event, campaign.launched && (campaign.phase === 'launched' || campaign.phase === 'scoring'), 'signed outside launched/scoring');
      this.check(event, campaign.launched && campaign.blocId === event.data.blocId, 'blocId is not the campaign’s');
      this.check(event, isMember(bloc, event.data.unitId), 'signed by a non-member');
      this.allowed(event, { member: event.data.unitId });
      this.pledges.set(pledgeId, pledgeDecider.evolve(before, event));
      return;
    }
    if (!before.signed) return this.fail(event, 'event of a pledge never signed');
    const campaign = this.campaign(before.campaignId) as LaunchedCampaign;
    const chair = chairForYear((this.bloc(campaign.blocId) as EstablishedBloc).flag, campaign.year);
    switch (event.type) {
      case 'ScoreRecorded': {
        this.check(event, campaign.phase === 'scoring', `scored in phase ${campaign.phase}`);
        this.check(event, before.status === 'active', 'scored an inactive pledge');
        const criterion = campaign.criteria.find((c) => c.criterionId === event.data.criterionId);
        this.check(event, criterion !== undefined, 'unknown criterion');
        this.check(event, event.data.points >= 0 && toHundredths(event.data.points) <= toHundredths(criterion?.maxPoints ?? 0), `points ${event.data.points} out of bounds`);
        this.allowed(event, event.data.assessor === 'self' ? { member: before.unitId } : { chair });
        break;
      }
      case 'AdjustmentRecorded':
        this.check(event, campaign.phase === 'scoring', `adjusted in phase ${campaign.phase}`);
        this.check(event, before.status === 'active', 'adjusted an inactive pledge');
        this.allowed(event, { chair });
        break;
      case 'PledgeDisqualified':
        this.check(event, campaign.phase !== 'closed' && before.status === 'active', 'disqualified an inactive pledge or in a closed campaign');
        this.allowed(event, { chair });
        break;
      case 'PledgeWithdrawn':
        this.check(event, campaign.phase !== 'closed' && before.status === 'active', 'withdrew an inactive pledge or in a closed campaign');
        this.allowed(event, { member: before.unitId });
        break;
      default:
        return this.fail(event, 'not a pledge event');
    }
    const after = pledgeDecider.evolve(before, event);
    this.pledges.set(pledgeId, after);
    if (after.signed) {
      const total = pledgeTotal({ criterionIds: campaign.criteria.map((c) => c.criterionId), bonusCap: campaign.bonusCap, scores: after.scores, adjustments: after.adjustments });
      this.check(event, total.totalHundredths >= 0, 'negative total');
    }
  }

  finish(): void {
    this.flushRanking();
  }
}

async function replay(store: EventStore): Promise<{ problems: string[]; types: Map<ThiduaEventType, number> }> {
  const referee = new Referee();
  const types = new Map<ThiduaEventType, number>();
  for await (const event of store.readAll()) {
    const recorded = event as Recorded;
    types.set(recorded.type, (types.get(recorded.type) ?? 0) + 1);
    referee.apply(recorded);
  }
  referee.finish();
  return { problems: referee.problems, types };
}

// ---- the run

/** Seeds walked as v1 walks (no v2 command or field), and with domain v2. */
const SEEDS: [number, boolean][] = [
  [1, false],
  [7, false],
  [42, false],
  [2013, true],
  [20140213, true],
  [2020, true],
];
const STEPS = 600;
const EXPECTED_CODES = new Set(['validation_failed', 'not_found', 'forbidden', 'rule_violated']);

describe('random command sequences keep every invariant', () => {
  const seenTypes = new Map<string, number>();
  const seenOutcomes = new Map<string, number>();

  it.each(SEEDS)('seed %i (v2: %s)', async (seed, v2) => {
    const rng = seededRandom(seed);
    const store = createInMemoryEventStore({ registry: thiduaRegistry });
    const thidua: Thidua = createThidua({ eventStore: store });
    const generator = new RandomCommands(rng, store, { v2 });
    for (let step = 1; step <= STEPS; step += 1) {
      const command = await generator.next();
      const before = await store.headPosition();
      let outcome: string;
      try {
        const result = await thidua.execute(command);
        const after = await store.headPosition();
        if (result.duplicate) {
          expect(after).toBe(before);
          outcome = 'duplicate';
        } else {
          expect(after).toBe((before ?? 0n) + BigInt(result.events.length));
          outcome = 'ok';
        }
      } catch (error) {
        if (!isThiduaError(error) || !EXPECTED_CODES.has(error.code)) {
          throw new Error(`seed ${seed} step ${step}: unexpected failure for ${JSON.stringify(command)}: ${String(error)}`, { cause: error });
        }
        expect({ step, head: await store.headPosition() }).toEqual({ step, head: before });
        const rule = (error as { rule?: string }).rule;
        outcome = rule ? `${error.code}:${rule}` : error.code;
      }
      seenOutcomes.set(outcome, (seenOutcomes.get(outcome) ?? 0) + 1);
      if (step % 50 === 0 || step === STEPS) {
        const { problems, types } = await replay(store);
        expect({ seed, step, problems }).toEqual({ seed, step, problems: [] });
        if (step === STEPS) for (const [type, n] of types) seenTypes.set(type, (seenTypes.get(type) ?? 0) + n);
      }
    }
    // Streams fold the same way through the public loaders as through the referee.
    for (const blocId of RANDOM_BLOCS) expect((await loadBloc(store, blocId)).established).toBe((await store.streamRevision(blocStream(blocId))) !== null);
    expect(campaignStream('b1-2013')).toBe('campaign-b1-2013');
    expect(pledgeStream('b1-2013.u1')).toBe('pledge-b1-2013.u1');
    await store.close();
  });

  // Runs after the seeds above (jest keeps the order of a file's tests): a
  // guard that the random walks went deep enough for the checks to mean much.
  it('reached every event type and every kind of outcome (so the invariants were exercised)', () => {
    expect([...thiduaRegistry.types()].filter((type) => !seenTypes.has(type))).toEqual([]);
    for (const outcome of ['ok', 'duplicate', 'validation_failed', 'not_found', 'forbidden']) expect(seenOutcomes.get(outcome) ?? 0).toBeGreaterThan(0);
    expect([...seenOutcomes.keys()].filter((o) => o.startsWith('rule_violated:')).length).toBeGreaterThan(15);
  });
});
