/**
 * The "campaign year" workload: blocs of units, one campaign per bloc, and S
 * pledge streams of E events each (one `PledgeSigned`, then `ScoreRecorded`
 * over the campaign's 9 criteria). Everything is derived from a seed, so two
 * runs (and two machines) append exactly the same events.
 */
import { eventIdFor, type NewEvent } from '@thidua/eventsourcing';
import {
  blocStream,
  campaignStream,
  pledgeIdOf,
  pledgeStream,
  type Assessor,
  type ThiduaEventData,
} from '@thidua/domain';

/** Sizes and seed of a workload. */
export interface WorkloadOptions {
  /** Pledge streams (S). */
  streams: number;
  /** Events per pledge stream (E ≥ 1): one PledgeSigned, then E − 1 ScoreRecorded. */
  eventsPerStream: number;
  /** Default 2013 (the year of the Tây Ninh case). */
  year?: number;
  /** Default 1. */
  seed?: number;
  /** Units per bloc (default 25): S / unitsPerBloc blocs, one campaign each. */
  unitsPerBloc?: number;
  /** Start of every bloc id (default `khoi`), so two workloads can share a store without sharing streams. */
  blocPrefix?: string;
}

/** A stream and the events to append to it, in order. */
export interface StreamPlan {
  streamId: string;
  events: NewEvent[];
}

/** One bloc's campaign of the year, as the command-throughput figure needs it. */
export interface CampaignPlan {
  blocId: string;
  campaignId: string;
  year: number;
  /** Holds the flag for `year`: may record `cross` and `verified` scores. */
  chairUnitId: string;
  criteria: { criterionId: string; maxPoints: number }[];
  /** Units that signed a pledge, in order. */
  unitIds: string[];
}

/** A generated workload. */
export interface Workload {
  readonly streams: number;
  readonly eventsPerStream: number;
  readonly year: number;
  readonly seed: number;
  readonly campaigns: readonly CampaignPlan[];
  /** Bloc and campaign streams: what the pledges need to exist (members, criteria, scoring open). */
  readonly setup: readonly StreamPlan[];
  /** The S pledge streams of E events. */
  readonly pledges: readonly StreamPlan[];
  /** Events in `setup`. */
  readonly setupEventCount: number;
  /** Events in `pledges` (S × E). */
  readonly pledgeEventCount: number;
}

/** The number of criteria of every generated campaign. */
export const CRITERIA_PER_CAMPAIGN = 9;

const ASSESSOR_CYCLE: readonly Assessor[] = ['self', 'self', 'self', 'cross', 'verified'];
const COUNCIL = { id: 'hdtdkt-tinh', role: 'council' } as const;

/**
 * mulberry32: a tiny, fast, well-mixed 32-bit PRNG. Good enough to vary
 * points and notes; not for anything secret.
 */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A uuid-shaped (version 4 layout) id drawn from `random`: command ids that are the same on every run. */
export function deterministicUuid(random: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i += 1) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** An ISO-8601 business time with the +07:00 offset, `minutes` after 1 January of `year` 08:00. */
export function businessTime(year: number, minutes: number): string {
  const instant = new Date(Date.UTC(year, 0, 1, 1, 0, 0) + minutes * 60_000);
  const local = new Date(instant.getTime() + 7 * 3_600_000);
  return `${local.toISOString().slice(0, 19)}+07:00`;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * Generates the campaign-year workload. Event ids and metadata are what the
 * command handler would write (ids derived from the command id, the actor,
 * correlation and causation), so stores see real-sized events.
 *
 * @example
 * const w = campaignYear({ streams: 2000, eventsPerStream: 50 }); // 100 000 pledge events
 */
export function campaignYear(options: WorkloadOptions): Workload {
  const streams = options.streams;
  const eventsPerStream = options.eventsPerStream;
  if (!Number.isInteger(streams) || streams < 1) throw new RangeError(`streams must be a positive integer, not ${streams}`);
  if (!Number.isInteger(eventsPerStream) || eventsPerStream < 1) {
    throw new RangeError(`eventsPerStream must be a positive integer, not ${eventsPerStream}`);
  }
  const year = options.year ?? 2013;
  const seed = options.seed ?? 1;
  const unitsPerBloc = Math.max(1, options.unitsPerBloc ?? 25);
  const blocPrefix = options.blocPrefix ?? 'khoi';
  const random = createRandom(seed);
  const blocCount = Math.ceil(streams / unitsPerBloc);

  const setup: StreamPlan[] = [];
  const pledges: StreamPlan[] = [];
  const campaigns: CampaignPlan[] = [];
  const metadataOf = (actor: { id: string; role: string; unitId?: string }, streamId: string) => {
    const commandId = deterministicUuid(random);
    return { id: eventIdFor(commandId, streamId, 0), metadata: { commandId, correlationId: commandId, causationId: commandId, actor } };
  };

  for (let b = 0; b < blocCount; b += 1) {
    const blocId = `${blocPrefix}-${pad(b + 1, 3)}`;
    const campaignId = `${blocId}-${year}`;
    const units = Array.from({ length: Math.min(unitsPerBloc, streams - b * unitsPerBloc) }, (_, u) => `${blocId}-don-vi-${pad(u + 1, 3)}`);
    const chairUnitId = units[0]!;
    const criteria = Array.from({ length: CRITERIA_PER_CAMPAIGN }, (_, c) => ({
      criterionId: `tieu-chi-${c + 1}`,
      title: `Tiêu chí ${c + 1}: hoàn thành nhiệm vụ chính trị được giao`,
      maxPoints: 10 + 5 * (c % 4),
    }));
    campaigns.push({ blocId, campaignId, year, chairUnitId, criteria, unitIds: units });

    const blocEvents: NewEvent[] = [];
    const established: ThiduaEventData<'BlocEstablished'> = {
      blocId,
      name: `Khối thi đua số ${b + 1}`,
      authority: 'UBND tỉnh Tây Ninh',
      establishedAt: businessTime(year, 0),
    };
    blocEvents.push({ type: 'BlocEstablished', data: established, ...metadataOf(COUNCIL, blocStream(blocId)) });
    units.forEach((unitId, u) => {
      const admitted: ThiduaEventData<'MemberAdmitted'> = { blocId, unitId, unitName: `Đơn vị ${b + 1}.${u + 1}`, admittedAt: businessTime(year, 10 + u) };
      blocEvents.push({ type: 'MemberAdmitted', data: admitted, ...metadataOf(COUNCIL, blocStream(blocId)) });
    });
    const flag: ThiduaEventData<'ChairFlagTransferred'> = { blocId, fromUnitId: null, toUnitId: chairUnitId, termYear: year, transferredAt: businessTime(year, 100) };
    blocEvents.push({ type: 'ChairFlagTransferred', data: flag, ...metadataOf(COUNCIL, blocStream(blocId)) });
    if (units.length > 1) {
      const deputy: ThiduaEventData<'DeputyChairElected'> = { blocId, unitId: units[1]!, termYear: year, electedAt: businessTime(year, 110) };
      blocEvents.push({ type: 'DeputyChairElected', data: deputy, ...metadataOf(COUNCIL, blocStream(blocId)) });
    }
    setup.push({ streamId: blocStream(blocId), events: blocEvents });

    const launched: ThiduaEventData<'CampaignLaunched'> = {
      campaignId,
      blocId,
      year,
      title: `Phong trào thi đua năm ${year} của Khối thi đua số ${b + 1}`,
      criteria,
      bonusCap: 5,
      awardQuotas: { 'provincial-flag': 1, 'government-flag': 1, 'certificate-of-merit': 3 },
      launchedAt: businessTime(year, 1_000),
    };
    const opened: ThiduaEventData<'ScoringOpened'> = { campaignId, at: businessTime(year, 2_000) };
    const chairActor = { id: `chu-tich-${chairUnitId}`, role: 'chair', unitId: chairUnitId };
    setup.push({
      streamId: campaignStream(campaignId),
      events: [
        { type: 'CampaignLaunched', data: launched, ...metadataOf(COUNCIL, campaignStream(campaignId)) },
        { type: 'ScoringOpened', data: opened, ...metadataOf(chairActor, campaignStream(campaignId)) },
      ],
    });

    units.forEach((unitId, u) => {
      const pledgeId = pledgeIdOf(campaignId, unitId);
      const member = { id: `can-bo-${unitId}`, role: 'member', unitId };
      const signed: ThiduaEventData<'PledgeSigned'> = {
        pledgeId,
        campaignId,
        blocId,
        unitId,
        signedBy: `Thủ trưởng đơn vị ${b + 1}.${u + 1}`,
        targets: criteria.map((c) => ({ criterionId: c.criterionId, commitment: `Hoàn thành 100% chỉ tiêu ${c.criterionId}` })),
        signedAt: businessTime(year, 1_500 + u),
      };
      const events: NewEvent[] = [{ type: 'PledgeSigned', data: signed, ...metadataOf(member, pledgeStream(pledgeId)) }];
      for (let i = 1; i < eventsPerStream; i += 1) {
        const criterion = criteria[(i - 1) % criteria.length]!;
        const assessor = ASSESSOR_CYCLE[Math.floor((i - 1) / criteria.length) % ASSESSOR_CYCLE.length]!;
        const score: ThiduaEventData<'ScoreRecorded'> = {
          pledgeId,
          criterionId: criterion.criterionId,
          points: Math.round(random() * criterion.maxPoints * 100) / 100,
          assessor,
          ...(random() < 0.2 ? { note: `Minh chứng số ${i}` } : {}),
          scoredAt: businessTime(year, 3_000 + i * 60 + u),
        };
        events.push({ type: 'ScoreRecorded', data: score, ...metadataOf(assessor === 'self' ? member : chairActor, pledgeStream(pledgeId)) });
      }
      pledges.push({ streamId: pledgeStream(pledgeId), events });
    });
  }

  return {
    streams,
    eventsPerStream,
    year,
    seed,
    campaigns,
    setup,
    pledges,
    setupEventCount: setup.reduce((n, s) => n + s.events.length, 0),
    pledgeEventCount: streams * eventsPerStream,
  };
}
