/**
 * A small but complete campaign as thidua commands, for the CLI tests: a
 * bloc of three units, its chairs and deputies for 2013 and 2014, a 2013
 * campaign with two criteria, verified scores, a ranking by score, the
 * year-end review, and the closing. Totals: khoi-b 96, khoi-a 90, khoi-c 80.
 */
export const SMALL_BLOC = 'khoi-thu-nghiem';
export const SMALL_YEAR = 2013;
export const SMALL_CAMPAIGN = 'khoi-thu-nghiem-2013';

const council = { id: 'hoi-dong-tdkt', role: 'council' };
let sequence = 0;
const command = (name: string, data: Record<string, unknown>) => {
  sequence += 1;
  return { command: name, commandId: `small-${String(sequence).padStart(3, '0')}`, actor: council, data };
};

const UNITS = [
  { unitId: 'khoi-a', unitName: 'Sở A', scores: { c1: 55, c2: 35 } },
  { unitId: 'khoi-b', unitName: 'Sở B', scores: { c1: 58, c2: 38 } },
  { unitId: 'khoi-c', unitName: 'Sở C', scores: { c1: 50, c2: 30 } },
] as const;

/** The commands of the small campaign, in order. Command ids are fixed, so the list is the same on every call. */
export function smallCampaignCommands(): Record<string, unknown>[] {
  sequence = 0;
  const at = (date: string) => `${date}T08:00:00+07:00`;
  return [
    command('EstablishBloc', { blocId: SMALL_BLOC, name: 'Khối thử nghiệm', authority: 'UBND tỉnh', establishedAt: at('2013-01-02') }),
    ...UNITS.map((unit) =>
      command('AdmitMember', { blocId: SMALL_BLOC, unitId: unit.unitId, unitName: unit.unitName, admittedAt: at('2013-01-03') }),
    ),
    command('TransferChairFlag', { blocId: SMALL_BLOC, toUnitId: 'khoi-a', termYear: 2013, transferredAt: at('2013-01-04') }),
    command('ElectDeputyChair', { blocId: SMALL_BLOC, unitId: 'khoi-b', termYear: 2013, electedAt: at('2013-01-04') }),
    command('LaunchCampaign', {
      campaignId: SMALL_CAMPAIGN,
      blocId: SMALL_BLOC,
      year: SMALL_YEAR,
      title: 'Phong trào thi đua năm 2013',
      criteria: [
        { criterionId: 'c1', title: 'Nhiệm vụ chính trị', maxPoints: 60 },
        { criterionId: 'c2', title: 'Cải cách hành chính', maxPoints: 40 },
      ],
      bonusCap: 5,
      launchedAt: at('2013-01-10'),
    }),
    ...UNITS.map((unit) =>
      command('SignPledge', {
        campaignId: SMALL_CAMPAIGN,
        unitId: unit.unitId,
        signedBy: `Giám đốc ${unit.unitName}`,
        targets: [
          { criterionId: 'c1', commitment: 'Hoàn thành xuất sắc' },
          { criterionId: 'c2', commitment: 'Hoàn thành tốt' },
        ],
        signedAt: at('2013-01-15'),
      }),
    ),
    command('OpenScoring', { campaignId: SMALL_CAMPAIGN, at: at('2013-12-01') }),
    ...UNITS.flatMap((unit) =>
      Object.entries(unit.scores).map(([criterionId, points]) =>
        command('RecordScore', {
          pledgeId: `${SMALL_CAMPAIGN}.${unit.unitId}`,
          criterionId,
          points,
          assessor: 'verified',
          scoredAt: at('2013-12-20'),
        }),
      ),
    ),
    command('CloseScoring', { campaignId: SMALL_CAMPAIGN, at: at('2014-01-10') }),
    command('AssignRanks', { campaignId: SMALL_CAMPAIGN, basis: 'score', assignedAt: at('2014-01-15') }),
    command('HoldReview', { campaignId: SMALL_CAMPAIGN, kind: 'year-end', hostUnitId: 'khoi-a', heldAt: at('2014-02-13') }),
    command('TransferChairFlag', { blocId: SMALL_BLOC, toUnitId: 'khoi-c', termYear: 2014, transferredAt: at('2014-02-13') }),
    command('ElectDeputyChair', { blocId: SMALL_BLOC, unitId: 'khoi-b', termYear: 2014, electedAt: at('2014-02-13') }),
    command('CloseCampaign', { campaignId: SMALL_CAMPAIGN, closedAt: at('2014-02-14') }),
  ];
}
