/**
 * Seeded random command walks for property tests of the domain and of read
 * models built on it: the same seed gives the same walk on every machine.
 *
 * @example
 * const walk = new RandomCommands(seededRandom(42), eventStore);
 * for (let step = 0; step < 600; step += 1) await thidua.execute(await walk.next()).catch(() => undefined);
 */
import type { Actor, EventStore } from '@thidua/eventsourcing';
import type { BlocState } from '../bloc/bloc.state';
import type { Criterion } from '../campaign/campaign.events';
import type { CampaignState, LaunchedCampaign } from '../campaign/campaign.state';
import type { ThiduaCommand } from '../commands';
import { loadBloc, loadCampaign, loadCampaignPledges } from '../load';
import { chairForYear, currentFlagHolder } from '../roles';
import { blocStream, pledgeIdOf } from '../streams';

/**
 * A seeded pseudo-random source (mulberry32): no dependency, the same
 * sequence on every machine, so a failing seed reproduces exactly.
 */
export function seededRandom(seed: number) {
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
/** A {@link seededRandom} source. */
export type SeededRandom = ReturnType<typeof seededRandom>;

/** The blocs a walk uses. */
export const RANDOM_BLOCS: readonly string[] = ['b1', 'b2'];
/** The units a walk admits, ranks and awards. */
export const RANDOM_UNITS: readonly string[] = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
/** The campaign years of a walk; a campaign id is `<blocId>-<year>`. */
export const RANDOM_YEARS: readonly number[] = [2013, 2014];
/** The criteria of every campaign a walk launches. */
export const RANDOM_CRITERIA: readonly Criterion[] = [
  { criterionId: 'c1', title: 'Thực hiện tốt nhiệm vụ chính trị', maxPoints: 10 },
  { criterionId: 'c2', title: 'Công tác cải cách hành chính', maxPoints: 10 },
  { criterionId: 'c3', title: 'Công tác thi đua, khen thưởng', maxPoints: 5.5 },
];
const BLOCS = RANDOM_BLOCS;
const UNITS = RANDOM_UNITS;
const YEARS = RANDOM_YEARS;
const POINTS = [0, 0.01, 0.1, 0.2, 0.25, 1, 5.5, 5.51, 7.75, 9.99, 10, 10.01];
const DATE = '2013-06-01T08:00:00+07:00';

type Kind = ThiduaCommand['command'] | 'garbage' | 'resend';

/**
 * Builds a long walk of commands, valid and invalid, over a store: each
 * `next()` looks at the store as it stands and returns the next command
 * (an envelope as a caller would send it, sometimes malformed, sometimes a
 * re-send of an earlier one). Weights follow the world a little so that
 * walks get past the beginning and reach ranking and awards.
 */
export class RandomCommands {
  private count = 0;
  readonly sent: unknown[] = [];
  /**
   * With `v2`, walks also use domain v2 (award catalogues, council
   * decisions, classes, criteria groups). Without it, a walk is exactly the
   * v1 walk of the same seed: the same commands, so v1 results can be
   * compared across versions.
   */
  constructor(
    private readonly rng: SeededRandom,
    private readonly store: EventStore,
    private readonly options: { v2?: boolean } = {},
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

  /** A v2 launch's catalogue, tiers and criteria groups, each there or not, now and then malformed. */
  private catalogueParts(): Record<string, unknown> {
    const { rng } = this;
    const parts: Record<string, unknown> = {
      awards: [
        { awardId: 'la-co-dau', title: 'Lá cờ đầu', kind: 'flag', quota: 1, maxRank: 1, group: 'co' },
        { awardId: 'co-hang-nhat', title: 'Cờ thi đua hạng Nhất', kind: 'flag', quota: rng.int(3), maxRank: rng.pick([2, 3]), group: 'co' },
        { awardId: 'bang-khen', title: 'Bằng khen', kind: 'certificate', quota: rng.int(4), ...(rng.chance(0.5) ? { group: 'bk' } : {}) },
        { awardId: 'tap-the-xuat-sac', title: 'Tập thể lao động xuất sắc', kind: 'title', quota: 2 },
      ],
    };
    if (rng.chance(0.1)) parts.awardQuotas = { 'provincial-flag': 1 };
    if (rng.chance(0.85)) {
      parts.tiers = [
        { tierId: 'xuat-sac', title: 'Hoàn thành xuất sắc nhiệm vụ', minTotal: rng.pick([18, 20]) },
        { tierId: 'tot', title: 'Hoàn thành tốt nhiệm vụ', minTotal: 12 },
        { tierId: 'hoan-thanh', title: 'Hoàn thành nhiệm vụ', ...(rng.chance(0.7) ? {} : { minTotal: 5 }) },
      ];
    }
    if (rng.chance(0.5)) {
      parts.groups = [{ groupId: 'g1', title: 'Nhiệm vụ chuyên môn' }, ...(rng.chance(0.9) ? [{ groupId: 'g2', title: 'Công tác thi đua' }] : [])];
      parts.criteria = RANDOM_CRITERIA.map((criterion) => ({ ...criterion, groupId: criterion.criterionId === 'c3' ? 'g2' : 'g1' }));
    }
    return parts;
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
      // Weight 0 without v2: a zero weight is never drawn, so v1 walks stay what they were.
      ['DecideAward', this.options.v2 ? 5 : 0],
      ['ClassifyPledges', this.options.v2 ? (closedScoring > 0 ? 5 : 1) : 0],
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
    const preferred = ['AssignRanks', 'ProposeAward', 'CloseCampaign', 'ClassifyPledges'].includes(kind)
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
          criteria: RANDOM_CRITERIA.map((criterion) => ({ ...criterion })),
          bonusCap: rng.pick([0, 1, 2.5]),
          ...(this.options.v2 && rng.chance(0.7)
            ? this.catalogueParts()
            : rng.chance(0.5)
              ? { awardQuotas: { 'provincial-flag': rng.int(3), 'government-flag': rng.int(2), 'certificate-of-merit': rng.int(4) } }
              : {}),
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
          award:
            this.options.v2 && campaign.launched && rng.chance(0.9)
              ? rng.pick(campaign.catalogue.map((award) => award.awardId))
              : rng.pick(['provincial-flag', 'government-flag', 'certificate-of-merit', ...(this.options.v2 ? ['la-co-dau'] : [])]),
          proposedAt: DATE,
        });
      }
      case 'DecideAward': {
        const proposals: { campaignId: string; unitId: string; award: string }[] = [];
        for (const blocId of BLOCS) {
          for (const year of YEARS) {
            const campaign = await loadCampaign(this.store, `${blocId}-${year}`);
            if (campaign.launched) for (const award of campaign.awards) proposals.push({ campaignId: campaign.campaignId, unitId: award.unitId, award: award.award });
          }
        }
        const target = proposals.length > 0 && rng.chance(0.9) ? rng.pick(proposals) : { campaignId, unitId, award: 'bang-khen' };
        return envelope(kind, rng.chance(0.85) ? { id: 'council', role: 'council' } : this.actor('chair', null), {
          ...target,
          outcome: rng.pick(['granted', 'granted', 'declined']),
          decisionRef: `QĐ ${this.count}/QĐ-UBND`,
          decidedAt: DATE,
        });
      }
      case 'ClassifyPledges': {
        const { campaign, bloc } = await this.campaignOf(campaignId);
        const actor = this.actor('chair', campaign.launched ? this.chairHint(bloc, campaign.year) : null);
        if (rng.chance(0.5)) return envelope(kind, actor, { campaignId, basis: 'score', classifiedAt: DATE });
        const tiers = campaign.launched && campaign.tiers.length > 0 ? campaign.tiers.map((tier) => tier.tierId) : ['xuat-sac'];
        const active =
          campaign.launched && bloc.established ? (await loadCampaignPledges(this.store, campaign, bloc)).filter((p) => p.status === 'active').map((p) => p.unitId) : [];
        const units = active.length > 0 && rng.chance(0.8) ? [...active] : UNITS.filter(() => rng.chance(0.5));
        if (units.length > 1 && rng.chance(0.1)) units.pop();
        if (units.length > 0 && rng.chance(0.05)) units.push(units[0]!);
        const classes = units.map((u) => ({ unitId: u, tierId: rng.chance(0.05) ? 'khong-co' : rng.pick(tiers) }));
        return envelope(kind, actor, { campaignId, basis: 'vote', classes: classes.length > 0 ? classes : [{ unitId, tierId: rng.pick(tiers) }], classifiedAt: DATE });
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
