import type { Actor } from '@thidua/eventsourcing';

/** A command as a host receives it: what `createThidua().execute` and `thidua exec` take. */
export interface FixtureCommand {
  command: string;
  commandId: string;
  actor: Actor;
  data: Record<string, unknown>;
}

/** The council: may do everything. */
export const council: Actor = { id: 'hdtdkt', role: 'council' };

/** What {@link smallCampaign} builds. */
export interface SmallCampaign {
  blocId: string;
  campaignId: string;
  year: number;
  /** `unit-00`, `unit-01`, …; `unit-00` holds the chair flag for the year. */
  unitIds: string[];
  /** Unit names by id: `Đơn vị unit-00`, … */
  unitNames: Record<string, string>;
  /** The chair of the year, as an actor (`unit-00`). */
  chair: Actor;
  /**
   * Up to the state in which scores can race: the bloc and its members, the
   * chair, the campaign (criteria `c1` and `c2`, 10 points each, bonus cap 5),
   * every member's pledge, scoring open.
   */
  commands: FixtureCommand[];
  /**
   * The rest of the year, after {@link commands}: verified scores (see
   * {@link pointsOf}), the deputy, scoring closed, ranks by score, the
   * year-end review, the flag to the last unit for next year with the same
   * deputy, and the campaign closed. Needs at least two units.
   */
  yearEndCommands: FixtureCommand[];
  /** The verified points of a unit's `c1` and `c2` in {@link yearEndCommands}. */
  pointsOf(unitId: string): { c1: number; c2: number };
  pledgeId(unitId: string): string;
}

/**
 * A small but complete campaign as thidua commands, for tests of anything
 * that runs commands (the CLI, an HTTP host, a store under concurrent
 * writers). Ids carry `tag`, so tests sharing a store never collide, and the
 * command ids are fixed, so the lists are the same on every call.
 *
 * With three units, the whole year is 25 events in 5 streams; ranked by
 * score, `unit-01` (14.25) is first, `unit-00` (13) second, `unit-02` (12.5)
 * third; the flag passes from `unit-00` to `unit-02`, `unit-01` is deputy
 * both years.
 *
 * @example
 * const campaign = smallCampaign('race', 10);
 * for (const command of campaign.commands) await thidua.execute(command);
 */
export function smallCampaign(tag: string, units = 3): SmallCampaign {
  const blocId = `bloc-${tag}`;
  const campaignId = `campaign-${tag}`;
  const year = 2013;
  const unitIds = Array.from({ length: units }, (_, i) => `unit-${String(i).padStart(2, '0')}`);
  const unitNames = Object.fromEntries(unitIds.map((unitId) => [unitId, `Đơn vị ${unitId}`]));
  const first = unitIds[0] ?? 'unit-00';
  const chair: Actor = { id: `chair-${tag}`, role: 'chair', unitId: first };
  const at = (day: string) => `${day}T08:00:00+07:00`;
  const pledgeId = (unitId: string) => `${campaignId}.${unitId}`;
  const pointsOf = (unitId: string) => {
    const i = unitIds.indexOf(unitId);
    return { c1: 7 + ((i + 1) % 3), c2: 5 + i * 0.25 };
  };
  const ids = (phase: string) => {
    let sequence = 0;
    return () => `${tag}-${phase}-${String((sequence += 1)).padStart(3, '0')}`;
  };
  const setupId = ids('setup');
  const commands: FixtureCommand[] = [
    { command: 'EstablishBloc', commandId: setupId(), actor: council, data: { blocId, name: `Khối ${tag}`, authority: 'UBND tỉnh', establishedAt: at('2013-01-02') } },
    ...unitIds.map((unitId) => ({
      command: 'AdmitMember',
      commandId: setupId(),
      actor: council,
      data: { blocId, unitId, unitName: unitNames[unitId], admittedAt: at('2013-01-03') },
    })),
    { command: 'TransferChairFlag', commandId: setupId(), actor: council, data: { blocId, toUnitId: first, termYear: year, transferredAt: at('2013-01-04') } },
    {
      command: 'LaunchCampaign',
      commandId: setupId(),
      actor: chair,
      data: {
        campaignId,
        blocId,
        year,
        title: `Phong trào ${tag}`,
        criteria: [
          { criterionId: 'c1', title: 'Tiêu chí 1', maxPoints: 10 },
          { criterionId: 'c2', title: 'Tiêu chí 2', maxPoints: 10 },
        ],
        bonusCap: 5,
        launchedAt: at('2013-02-01'),
      },
    },
    ...unitIds.map((unitId) => ({
      command: 'SignPledge',
      commandId: setupId(),
      actor: { id: `office-${unitId}`, role: 'member', unitId },
      data: { campaignId, unitId, signedBy: `Thủ trưởng ${unitId}`, targets: [{ criterionId: 'c1', commitment: 'Đạt' }], signedAt: at('2013-02-02') },
    })),
    { command: 'OpenScoring', commandId: setupId(), actor: chair, data: { campaignId, at: at('2013-12-01') } },
  ];

  const yearEndId = ids('year-end');
  const deputy = unitIds[1] ?? first;
  const nextChair = unitIds[unitIds.length - 1] ?? first;
  const yearEndCommands: FixtureCommand[] = [
    ...unitIds.flatMap((unitId) =>
      Object.entries(pointsOf(unitId)).map(([criterionId, points]) => ({
        command: 'RecordScore',
        commandId: yearEndId(),
        actor: chair,
        data: { pledgeId: pledgeId(unitId), criterionId, points, assessor: 'verified', scoredAt: at('2013-12-20') },
      })),
    ),
    { command: 'ElectDeputyChair', commandId: yearEndId(), actor: council, data: { blocId, unitId: deputy, termYear: year, electedAt: at('2013-12-21') } },
    { command: 'CloseScoring', commandId: yearEndId(), actor: chair, data: { campaignId, at: at('2014-01-10') } },
    { command: 'AssignRanks', commandId: yearEndId(), actor: chair, data: { campaignId, basis: 'score', assignedAt: at('2014-01-15') } },
    { command: 'HoldReview', commandId: yearEndId(), actor: chair, data: { campaignId, kind: 'year-end', hostUnitId: first, heldAt: at('2014-02-13') } },
    { command: 'TransferChairFlag', commandId: yearEndId(), actor: council, data: { blocId, toUnitId: nextChair, termYear: year + 1, transferredAt: at('2014-02-13') } },
    { command: 'ElectDeputyChair', commandId: yearEndId(), actor: council, data: { blocId, unitId: deputy, termYear: year + 1, electedAt: at('2014-02-13') } },
    { command: 'CloseCampaign', commandId: yearEndId(), actor: council, data: { campaignId, closedAt: at('2014-02-14') } },
  ];
  return { blocId, campaignId, year, unitIds, unitNames, chair, commands, yearEndCommands, pointsOf, pledgeId };
}
