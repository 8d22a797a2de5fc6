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
import { createInMemoryEventStore, isThiduaError, type Actor, type EventStore, type RecordedEvent } from '@thidua/eventsourcing';
import { blocDecider } from './bloc/bloc.decider';
import { isMember, type BlocState, type EstablishedBloc } from './bloc/bloc.state';
import { campaignDecider } from './campaign/campaign.decider';
import type { CampaignLaunchedData } from './campaign/campaign.events';
import { flagsAllowed, type CampaignState, type LaunchedCampaign } from './campaign/campaign.state';
import type { ThiduaCommand } from './commands';
import { CRITERIA } from './fixtures.test-helper';
import { loadBloc, loadCampaign, loadCampaignPledges } from './load';
import { pledgeDecider } from './pledge/pledge.decider';
import type { PledgeState, SignedPledge } from './pledge/pledge.state';
import { compareRanked, isValidRanking, rankByScore } from './ranking';
import { thiduaRegistry, type ThiduaEvent, type ThiduaEventType } from './registry';
import { chairForYear, currentFlagHolder, deputyForYear } from './roles';
import { pledgeTotal, toHundredths } from './scoring';
import { blocStream, campaignStream, parseStreamId, pledgeIdOf, pledgeStream } from './streams';
import { createThidua, type Thidua } from './thidua';

// ---- deterministic PRNG (mulberry32): no dependency, same sequence everywhere

function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number): boolean => next() < p;
  const weighted = <T>(entries: readonly [T, number][]): T => {
    let roll = next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![0];
  };
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
  return { next, int, pick, chance, weighted, shuffle };
}
type Rng = ReturnType<typeof prng>;

// ---- the random world

const BLOCS = ['b1', 'b2'];
const UNITS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
const YEARS = [2013, 2014];
const POINTS = [0, 0.01, 0.1, 0.2, 0.25, 1, 5.5, 5.51, 7.75, 9.99, 10, 10.01];
const DATE = '2013-06-01T08:00:00+07:00';

type Kind = ThiduaCommand['command'] | 'garbage' | 'resend';

class Generator {
  private count = 0;
  readonly sent: unknown[] = [];
  constructor(
    private readonly rng: Rng,
    private readonly store: EventStore,
  ) {}

  private id(): string {
    this.count += 1;
    return `r-${this.count}`;
  }

  private actor(kind: 'council' | 'chair' | 'member', unitHint: string | null): Actor {
    const { rng } = this;
    const roll = rng.next();
    if (roll < 0.04) return { id: 'audit', role: 'auditor' };
    if (roll < 0.06) return { id: 'nobody', role: rng.pick(['', 'admin', 'Chair']) || 'guest' };
    if (roll < 0.4) return { id: 'council', role: 'council' };
    const unitId = unitHint !== null && rng.chance(0.8) ? unitHint : rng.pick(UNITS);
    const role = kind === 'council' ? rng.pick(['chair', 'member']) : kind === 'chair' ? (rng.chance(0.9) ? 'chair' : 'member') : rng.chance(0.9) ? 'member' : 'chair';
    return { id: `${role}-${unitId}`, role, unitId };
  }

  private async campaignOf(campaignId: string): Promise<{ campaign: CampaignState; bloc: BlocState }> {
    const campaign = await loadCampaign(this.store, campaignId);
    const bloc = campaign.launched ? await loadBloc(this.store, campaign.blocId) : ({ established: false } as BlocState);
    return { campaign, bloc };
  }

  /** Mostly an existing bloc (so commands get past not_found), sometimes any. */
  private async pickBloc(): Promise<string> {
    const existing: string[] = [];
    for (const blocId of BLOCS) if ((await this.store.streamRevision(blocStream(blocId))) !== null) existing.push(blocId);
    return existing.length > 0 && this.rng.chance(0.9) ? this.rng.pick(existing) : this.rng.pick(BLOCS);
  }

  /** Mostly a launched campaign that is not closed yet (in `phase`, when one is), sometimes any. */
  private async pickCampaign(phase?: LaunchedCampaign['phase']): Promise<string> {
    const open: string[] = [];
    const inPhase: string[] = [];
    for (const blocId of BLOCS) {
      for (const year of YEARS) {
        const campaign = await loadCampaign(this.store, `${blocId}-${year}`);
        if (campaign.launched && campaign.phase !== 'closed') open.push(campaign.campaignId);
        if (campaign.launched && campaign.phase === phase) inPhase.push(campaign.campaignId);
      }
    }
    if (inPhase.length > 0 && this.rng.chance(0.8)) return this.rng.pick(inPhase);
    return open.length > 0 && this.rng.chance(0.9) ? this.rng.pick(open) : `${this.rng.pick(BLOCS)}-${this.rng.pick(YEARS)}`;
  }

  /** Mostly a unit with a pledge in the campaign (or, to sign, a member of its bloc), sometimes any. */
  private async pickUnit(campaignId: string, signed: boolean): Promise<string> {
    const { campaign, bloc } = await this.campaignOf(campaignId);
    let candidates: string[] = [];
    if (campaign.launched && bloc.established) {
      const pledges = (await loadCampaignPledges(this.store, campaign, bloc)).map((p) => p.unitId);
      candidates = signed ? pledges : bloc.members.map((m) => m.unitId).filter((u) => !pledges.includes(u));
    }
    return candidates.length > 0 && this.rng.chance(0.85) ? this.rng.pick(candidates) : this.rng.pick(UNITS);
  }

  private chairHint(bloc: BlocState, year: number): string | null {
    return bloc.established ? chairForYear(bloc.flag, year) : null;
  }

  private holderHint(bloc: BlocState): string | null {
    return bloc.established ? (currentFlagHolder(bloc.flag)?.toUnitId ?? null) : null;
  }

  async next(): Promise<unknown> {
    const { rng } = this;
    // Weights follow the world a little, so that sequences get past the
    // beginning (no bloc, no campaign) and reach ranking and awards.
    let blocs = 0;
    for (const blocId of BLOCS) if ((await this.store.streamRevision(blocStream(blocId))) !== null) blocs += 1;
    let open = 0;
    let closedScoring = 0;
    for (const blocId of BLOCS) {
      for (const year of YEARS) {
        const campaign = await loadCampaign(this.store, `${blocId}-${year}`);
        if (campaign.launched && campaign.phase !== 'closed') open += 1;
        if (campaign.launched && campaign.phase === 'scoring-closed') closedScoring += 1;
      }
    }
    const kind = rng.weighted<Kind>([
      ['EstablishBloc', blocs === 0 ? 30 : 1],
      ['AdmitMember', 8],
      ['RemoveMember', 1.5],
      ['TransferChairFlag', 4],
      ['ElectDeputyChair', 3],
      ['LaunchCampaign', open === 0 ? 12 : 2],
      ['OpenScoring', 3],
      ['CloseScoring', 2.5],
      ['HoldReview', 2],
      ['AssignRanks', closedScoring > 0 ? 8 : 2],
      ['ProposeAward', closedScoring > 0 ? 10 : 2],
      ['CloseCampaign', 0.7],
      ['SignPledge', 10],
      ['RecordScore', 22],
      ['RecordAdjustment', 5],
      ['DisqualifyPledge', 1],
      ['WithdrawPledge', 1],
      ['garbage', 2],
      ['resend', 3],
    ]);
    const command = await this.build(kind);
    this.sent.push(command);
    return command;
  }

  private async build(kind: Kind): Promise<unknown> {
    const { rng } = this;
    const blocId = kind === 'EstablishBloc' ? rng.pick(BLOCS) : await this.pickBloc();
    const year = rng.pick(YEARS);
    const preferred = ['AssignRanks', 'ProposeAward', 'CloseCampaign'].includes(kind)
      ? 'scoring-closed'
      : ['RecordScore', 'RecordAdjustment', 'CloseScoring'].includes(kind)
        ? 'scoring'
        : kind === 'OpenScoring'
          ? 'launched'
          : undefined;
    const campaignId = kind === 'LaunchCampaign' ? `${blocId}-${year}` : await this.pickCampaign(preferred);
    const unitId =
      kind === 'SignPledge'
        ? await this.pickUnit(campaignId, false)
        : ['RecordScore', 'RecordAdjustment', 'DisqualifyPledge', 'WithdrawPledge'].includes(kind)
          ? await this.pickUnit(campaignId, true)
          : rng.pick(UNITS);
    const envelope = (command: string, actor: Actor, data: unknown) => ({ command, commandId: this.id(), actor, data });
    switch (kind) {
      case 'EstablishBloc':
        return envelope(kind, this.actor('council', null), { blocId, name: `Khối ${blocId}`, authority: 'UBND tỉnh', establishedAt: DATE });
      case 'AdmitMember':
        return envelope(kind, this.actor('council', null), { blocId, unitId, unitName: `Đơn vị ${unitId}`, admittedAt: DATE });
      case 'RemoveMember':
        return envelope(kind, this.actor('council', null), { blocId, unitId, reason: 'Sáp nhập', removedAt: DATE });
      case 'TransferChairFlag': {
        const bloc = await loadBloc(this.store, blocId);
        const holder = bloc.established ? currentFlagHolder(bloc.flag) : null;
        const termYear = holder && rng.chance(0.8) ? holder.termYear + 1 : rng.pick([2012, ...YEARS, 2016]);
        return envelope(kind, this.actor('chair', this.holderHint(bloc)), {
          blocId,
          toUnitId: unitId,
          termYear,
          ...(rng.chance(0.5) ? { decisionRef: `QĐ ${this.count}` } : {}),
          transferredAt: DATE,
        });
      }
      case 'ElectDeputyChair': {
        const bloc = await loadBloc(this.store, blocId);
        return envelope(kind, this.actor('chair', this.holderHint(bloc)), { blocId, unitId, termYear: rng.pick([2012, ...YEARS, 2016]), electedAt: DATE });
      }
      case 'LaunchCampaign': {
        const bloc = await loadBloc(this.store, blocId);
        return envelope(kind, this.actor('chair', this.chairHint(bloc, year)), {
          campaignId: `${blocId}-${year}`,
          blocId,
          year,
          title: `Phong trào ${year}`,
          criteria: CRITERIA,
          bonusCap: rng.pick([0, 1, 2.5]),
          ...(rng.chance(0.5) ? { awardQuotas: { 'provincial-flag': rng.int(3), 'government-flag': rng.int(2), 'certificate-of-merit': rng.int(4) } } : {}),
          launchedAt: DATE,
        });
      }
      case 'OpenScoring':
      case 'CloseScoring': {
        const { campaign, bloc } = await this.campaignOf(campaignId);
        return envelope(kind, this.actor('chair', campaign.launched ? this.chairHint(bloc, campaign.year) : null), { campaignId, at: DATE });
      }
      case 'CloseCampaign': {
        const { campaign, bloc } = await this.campaignOf(campaignId);
        return envelope(kind, this.actor('chair', campaign.launched ? this.chairHint(bloc, campaign.year) : null), { campaignId, closedAt: DATE });
      }
      case 'HoldReview': {
        const { campaign, bloc } = await this.campaignOf(campaignId);
        return envelope(kind, this.actor('chair', campaign.launched ? this.chairHint(bloc, campaign.year) : null), {
          campaignId,
          kind: rng.pick(['mid-year', 'year-end']),
          hostUnitId: unitId,
          heldAt: DATE,
        });
      }
      case 'AssignRanks': {
        const { campaign, bloc } = await this.campaignOf(campaignId);
        const actor = this.actor('chair', campaign.launched ? this.chairHint(bloc, campaign.year) : null);
        if (rng.chance(0.5)) return envelope(kind, actor, { campaignId, basis: 'score', assignedAt: DATE });
        const active =
          campaign.launched && bloc.established ? (await loadCampaignPledges(this.store, campaign, bloc)).filter((p) => p.status === 'active').map((p) => p.unitId) : [];
        const units = active.length > 0 && rng.chance(0.8) ? [...active] : UNITS.filter(() => rng.chance(0.5));
        if (units.length > 1 && rng.chance(0.15)) units.pop();
        if (units.length > 0 && rng.chance(0.1)) units.push(units[0]!);
        rng.shuffle(units);
        const ranks: { unitId: string; rank: number }[] = [];
        units.forEach((u, i) => ranks.push({ unitId: u, rank: i > 0 && rng.chance(0.2) ? ranks[i - 1]!.rank : i + 1 }));
        if (ranks.length > 0 && rng.chance(0.1)) ranks[0]!.rank += 1;
        return envelope(kind, actor, { campaignId, basis: 'vote', ranks: ranks.length > 0 ? ranks : [{ unitId, rank: 1 }], assignedAt: DATE });
      }
      case 'ProposeAward': {
        const { campaign, bloc } = await this.campaignOf(campaignId);
        const ranked = campaign.launched && campaign.ranking ? campaign.ranking.rows.map((row) => row.unitId) : [];
        return envelope(kind, this.actor('chair', campaign.launched ? this.chairHint(bloc, campaign.year) : null), {
          campaignId,
          unitId: ranked.length > 0 && rng.chance(0.85) ? rng.pick(ranked) : unitId,
          award: rng.pick(['provincial-flag', 'government-flag', 'certificate-of-merit']),
          proposedAt: DATE,
        });
      }
      case 'SignPledge':
        return envelope(kind, this.actor('member', unitId), {
          campaignId,
          unitId,
          signedBy: `Giám đốc ${unitId}`,
          targets: rng.chance(0.9) ? [{ criterionId: rng.pick(['c1', 'c2', 'c3']), commitment: 'Hoàn thành' }] : [{ criterionId: 'c9', commitment: 'x' }],
          signedAt: DATE,
        });
      case 'RecordScore': {
        const { campaign, bloc } = await this.campaignOf(campaignId);
        const assessor = rng.pick(['self', 'cross', 'verified'] as const);
        const chair = campaign.launched ? this.chairHint(bloc, campaign.year) : null;
        return envelope(kind, this.actor(assessor === 'self' ? 'member' : 'chair', assessor === 'self' ? unitId : chair), {
          pledgeId: pledgeIdOf(campaignId, unitId),
          criterionId: rng.pick(['c1', 'c2', 'c3', 'c3', 'c9']),
          points: rng.pick(POINTS),
          assessor,
          ...(rng.chance(0.2) ? { note: 'Ghi chú' } : {}),
          scoredAt: DATE,
        });
      }
      case 'RecordAdjustment': {
        const { campaign, bloc } = await this.campaignOf(campaignId);
        return envelope(kind, this.actor('chair', campaign.launched ? this.chairHint(bloc, campaign.year) : null), {
          pledgeId: pledgeIdOf(campaignId, unitId),
          kind: rng.pick(['bonus', 'deduction']),
          points: rng.pick([0.5, 1, 1.25, 3, 25]),
          reason: 'Điều chỉnh',
          adjustedAt: DATE,
        });
      }
      case 'DisqualifyPledge': {
        const { campaign, bloc } = await this.campaignOf(campaignId);
        return envelope(kind, this.actor('chair', campaign.launched ? this.chairHint(bloc, campaign.year) : null), { pledgeId: pledgeIdOf(campaignId, unitId), reason: 'Vi phạm', at: DATE });
      }
      case 'WithdrawPledge':
        return envelope(kind, this.actor('member', unitId), { pledgeId: pledgeIdOf(campaignId, unitId), reason: 'Rút', at: DATE });
      case 'garbage':
        return rng.pick<unknown>([
          { command: 'Bribe', commandId: this.id(), actor: { id: 'x', role: 'council' }, data: {} },
          envelope('RecordScore', { id: 'council', role: 'council' }, { pledgeId: pledgeIdOf(campaignId, unitId), criterionId: 'c1', points: 3.333, assessor: 'self', scoredAt: DATE }),
          envelope('OpenScoring', { id: 'council', role: 'council' }, { campaignId, at: '2013-06-01' }),
          envelope('AdmitMember', { id: 'council', role: 'council' }, { blocId, unitId: 'a.b', unitName: 'x', admittedAt: DATE }),
          { command: 'CloseCampaign', actor: { id: 'council', role: 'council' }, data: { campaignId, closedAt: DATE } },
          null,
        ]);
      case 'resend':
        return this.sent.length > 0 ? rng.pick(this.sent) : this.build('EstablishBloc');
      default:
        throw new Error(`generator: unknown kind ${kind}`);
    }
  }
}

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
      const data: CampaignLaunchedData = event.data;
      const bloc = this.bloc(data.blocId);
      this.check(event, !before.launched, 'launched twice');
      this.check(event, bloc.established, 'launched in no bloc');
      this.allowed(event, { chair: bloc.established ? chairForYear(bloc.flag, data.year) : null });
      this.campaigns.set(campaignId, campaignDecider.evolve(before, event));
      return;
    }
    if (!before.launched) return this.fail(event, 'event of a campaign never launched');
    const bloc = this.bloc(before.blocId) as EstablishedBloc;
    this.allowed(event, { chair: chairForYear(bloc.flag, before.year) });
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
        this.check(event, !before.awards.some((a) => a.unitId === event.data.unitId), 'two awards to one unit');
        this.check(event, before.awards.filter((a) => a.award === event.data.award).length < before.awardQuotas[event.data.award], 'award quota exceeded');
        if (event.data.award !== 'certificate-of-merit') this.check(event, (row?.rank ?? Infinity) <= flagsAllowed(before.awardQuotas), 'flag to a unit ranked too low');
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

const SEEDS = [1, 7, 42, 2013, 20140213];
const STEPS = 600;
const EXPECTED_CODES = new Set(['validation_failed', 'not_found', 'forbidden', 'rule_violated']);

describe('random command sequences keep every invariant', () => {
  const seenTypes = new Map<string, number>();
  const seenOutcomes = new Map<string, number>();

  it.each(SEEDS)('seed %i', async (seed) => {
    const rng = prng(seed);
    const store = createInMemoryEventStore({ registry: thiduaRegistry });
    const thidua: Thidua = createThidua({ eventStore: store });
    const generator = new Generator(rng, store);
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
    for (const blocId of BLOCS) expect((await loadBloc(store, blocId)).established).toBe((await store.streamRevision(blocStream(blocId))) !== null);
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
