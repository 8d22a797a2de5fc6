/*
 * A small campaign for the replica tests, as thidua commands: a bloc of four
 * units, its 2013 campaign with two criteria (10 points each), four signed
 * pledges and scoring open; then, per replica, a workload that fights over
 * three of those pledges.
 */

export const REPLICA_BLOC = 'khoi-nhan-ban';
export const REPLICA_YEAR = 2013;
export const REPLICA_CAMPAIGN = 'khoi-nhan-ban-2013';
export const REPLICA_UNITS = ['don-vi-a', 'don-vi-b', 'don-vi-c', 'don-vi-d'] as const;
/** The pledges every replica's workload writes to. */
export const CONTESTED_PLEDGES = REPLICA_UNITS.slice(0, 3).map((unitId) => `${REPLICA_CAMPAIGN}.${unitId}`);
/** The contested pledge the first replica withdraws half-way, so later scores on it are refused by a rule. */
export const WITHDRAWN_PLEDGE = CONTESTED_PLEDGES[2]!;

const council = { id: 'hoi-dong-tdkt', role: 'council' };
const at = (date: string) => `${date}T08:00:00+07:00`;

/** A command envelope, as a backend would receive it. */
export interface ReplicaCommand {
  command: string;
  commandId: string;
  actor: { id: string; role: string };
  data: Record<string, unknown>;
}

const command = (name: string, commandId: string, data: Record<string, unknown>): ReplicaCommand => ({
  command: name,
  commandId,
  actor: council,
  data,
});

/** Everything before the workload; the ids are fixed, so running it twice appends nothing the second time. */
export function setupCommands(): ReplicaCommand[] {
  let n = 0;
  const id = () => `setup-${String((n += 1)).padStart(2, '0')}`;
  return [
    command('EstablishBloc', id(), { blocId: REPLICA_BLOC, name: 'Khối nhân bản', authority: 'UBND tỉnh', establishedAt: at('2013-01-02') }),
    ...REPLICA_UNITS.map((unitId) =>
      command('AdmitMember', id(), { blocId: REPLICA_BLOC, unitId, unitName: `Sở ${unitId}`, admittedAt: at('2013-01-03') }),
    ),
    command('TransferChairFlag', id(), { blocId: REPLICA_BLOC, toUnitId: REPLICA_UNITS[0], termYear: REPLICA_YEAR, transferredAt: at('2013-01-04') }),
    command('LaunchCampaign', id(), {
      campaignId: REPLICA_CAMPAIGN,
      blocId: REPLICA_BLOC,
      year: REPLICA_YEAR,
      title: 'Phong trào thi đua năm 2013',
      criteria: [
        { criterionId: 'c1', title: 'Nhiệm vụ chính trị', maxPoints: 10 },
        { criterionId: 'c2', title: 'Cải cách hành chính', maxPoints: 10 },
      ],
      bonusCap: 3,
      launchedAt: at('2013-01-10'),
    }),
    ...REPLICA_UNITS.map((unitId) =>
      command('SignPledge', id(), {
        campaignId: REPLICA_CAMPAIGN,
        unitId,
        signedBy: `Giám đốc ${unitId}`,
        targets: [{ criterionId: 'c1', commitment: 'Hoàn thành xuất sắc' }],
        signedAt: at('2013-01-15'),
      }),
    ),
    command('OpenScoring', id(), { campaignId: REPLICA_CAMPAIGN, at: at('2013-11-01') }),
  ];
}

/** A score on a pledge: the command most of the workload is made of. */
export function recordScore(commandId: string, pledgeId: string, criterionId: string, points: number, assessor = 'verified'): ReplicaCommand {
  return command('RecordScore', commandId, { pledgeId, criterionId, points, assessor, scoredAt: at('2013-12-15') });
}

/**
 * The commands replica `replica` (0, 1, 2…) sends, in order. Every fourth is
 * a `shared-<k>` command that every replica sends identically (a client
 * retrying through another replica); replica 0 withdraws one contested
 * pledge half-way; and each replica sends one score above the maximum.
 */
export function workloadCommands(replica: number, count: number): ReplicaCommand[] {
  const commands: ReplicaCommand[] = [];
  for (let i = 0; i < count; i += 1) {
    const pledgeId = CONTESTED_PLEDGES[(i + replica) % CONTESTED_PLEDGES.length]!;
    if (replica === 0 && i === Math.floor(count / 2)) {
      commands.push(command('WithdrawPledge', `r0-withdraw`, { pledgeId: WITHDRAWN_PLEDGE, reason: 'Sáp nhập đơn vị', at: at('2013-12-01') }));
    } else if (i % 4 === 0) {
      const k = i / 4;
      commands.push(recordScore(`shared-${k}`, CONTESTED_PLEDGES[k % CONTESTED_PLEDGES.length]!, 'c2', (k % 10) + 0.5, 'cross'));
    } else if (i === 5) {
      commands.push(recordScore(`r${replica}-${i}`, pledgeId, 'c1', 10.5));
    } else if (i % 3 === 0) {
      commands.push(
        command('RecordAdjustment', `r${replica}-${i}`, {
          pledgeId,
          kind: i % 2 === 0 ? 'bonus' : 'deduction',
          points: 0.25 * ((i % 4) + 1),
          reason: `Điều chỉnh ${replica}-${i}`,
          adjustedAt: at('2013-12-20'),
        }),
      );
    } else {
      commands.push(recordScore(`r${replica}-${i}`, pledgeId, i % 2 === 0 ? 'c1' : 'c2', ((i * 7 + replica * 3) % 100) / 10, ['self', 'cross', 'verified'][i % 3]!));
    }
  }
  return commands;
}
