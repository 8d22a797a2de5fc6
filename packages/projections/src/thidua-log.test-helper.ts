import { blocStream, campaignStream, pledgeStream, thiduaRegistry, type ThiduaEvent } from '@thidua/domain';
import { createInMemoryEventStore, type Actor, type AppendResult, type EventStore } from '@thidua/eventsourcing';

/*
 * Test helper (not shipped: `*.test.*` is left out of the package). Appends
 * thidua events straight to a store validated by the real registry, so the
 * projections can be tested on exact logs, edge cases included, without
 * going through the deciders.
 */

type DataOf<T extends ThiduaEvent['type']> = Extract<ThiduaEvent, { type: T }>['data'];

const BLOC_EVENTS = new Set(['BlocEstablished', 'MemberAdmitted', 'MemberRemoved', 'ChairFlagTransferred', 'DeputyChairElected']);
const PLEDGE_EVENTS = new Set(['PledgeSigned', 'ScoreRecorded', 'AdjustmentRecorded', 'PledgeDisqualified', 'PledgeWithdrawn']);

/** The stream an event belongs to. */
function streamOf(event: ThiduaEvent): string {
  const data = event.data as Partial<Record<'blocId' | 'campaignId' | 'pledgeId', string>>;
  if (BLOC_EVENTS.has(event.type)) return blocStream(data.blocId ?? '');
  if (PLEDGE_EVENTS.has(event.type)) return pledgeStream(data.pledgeId ?? '');
  return campaignStream(data.campaignId ?? '');
}

let commands = 0;

/** An in-memory thidua log with a controllable clock. */
export function createTestLog(start = '2014-01-01T00:00:00.000Z') {
  let now = new Date(start).getTime();
  const eventStore: EventStore = createInMemoryEventStore({ registry: thiduaRegistry, clock: () => new Date(now) });
  const council: Actor = { id: 'hoi-dong', role: 'council' };

  /** Appends events of one stream atomically, as one command would. */
  async function appendAll(events: ThiduaEvent[], actor: Actor = council): Promise<AppendResult> {
    const first = events[0];
    if (!first) throw new Error('nothing to append');
    commands += 1;
    return eventStore.appendToStream(
      streamOf(first),
      events.map((event) => ({ type: event.type, data: event.data, metadata: { commandId: `cmd-${commands}`, actor } })),
    );
  }

  return {
    eventStore,
    council,
    /** Moves the store's clock (recordedAt) forward. */
    advance(ms: number) {
      now += ms;
    },
    /** The store's clock now, as ISO. */
    now: () => new Date(now).toISOString(),
    appendAll,
    append<T extends ThiduaEvent['type']>(type: T, data: DataOf<T>, actor?: Actor): Promise<AppendResult> {
      return appendAll([{ type, data } as ThiduaEvent], actor);
    },
  };
}

/** A business date in Tây Ninh time. */
export const on = (day: string, time = '08:00:00'): string => `${day}T${time}+07:00`;

/**
 * A bloc with units and a launched campaign with `criteria` (max 10 each),
 * a bonus cap of 2, and scoring open. Returns the ids.
 */
export async function seedCampaign(
  log: ReturnType<typeof createTestLog>,
  options: { blocId?: string; campaignId?: string; year?: number; units: Record<string, string>; criteria?: string[] },
) {
  const blocId = options.blocId ?? 'kt-kt';
  const campaignId = options.campaignId ?? `${blocId}-${options.year ?? 2013}`;
  const year = options.year ?? 2013;
  const criteria = options.criteria ?? ['c1', 'c2'];
  await log.append('BlocEstablished', { blocId, name: 'Khối Thi đua Kinh tế - Kỹ thuật', authority: 'UBND tỉnh Tây Ninh', establishedAt: on('2013-01-02') });
  for (const [unitId, unitName] of Object.entries(options.units)) {
    await log.append('MemberAdmitted', { blocId, unitId, unitName, admittedAt: on('2013-01-03') });
  }
  await log.append('CampaignLaunched', {
    campaignId,
    blocId,
    year,
    title: `Phong trào thi đua năm ${year}`,
    criteria: criteria.map((criterionId) => ({ criterionId, title: `Chỉ tiêu ${criterionId}`, maxPoints: 10 })),
    bonusCap: 2,
    awardQuotas: { 'provincial-flag': 1, 'government-flag': 1, 'certificate-of-merit': 3 },
    launchedAt: on('2013-01-10'),
  });
  for (const unitId of Object.keys(options.units)) {
    await log.append('PledgeSigned', {
      pledgeId: `${campaignId}.${unitId}`,
      campaignId,
      blocId,
      unitId,
      signedBy: `Giám đốc ${unitId}`,
      targets: criteria.map((criterionId) => ({ criterionId, commitment: 'Hoàn thành tốt' })),
      signedAt: on('2013-01-15'),
    });
  }
  await log.append('ScoringOpened', { campaignId, at: on('2013-02-01') });
  return { blocId, campaignId, year, pledgeId: (unitId: string) => `${campaignId}.${unitId}` };
}
