import type { Actor } from '@thidua/eventsourcing';

/** The council: may do everything. */
export const council: Actor = { id: 'hdtdkt', role: 'council' };

/**
 * A bloc of `units` members (`unit-00`…), its chair `unit-00`, and a campaign
 * with two criteria (10 points each) whose every member has signed and whose
 * scoring is open: the state in which scores can race. Ids carry `tag` so
 * tests sharing a store never collide.
 */
export function smallCampaign(tag: string, units = 10) {
  const blocId = `bloc-${tag}`;
  const campaignId = `campaign-${tag}`;
  const unitIds = Array.from({ length: units }, (_, i) => `unit-${String(i).padStart(2, '0')}`);
  const chair: Actor = { id: `chair-${tag}`, role: 'chair', unitId: unitIds[0]! };
  const at = (day: string) => `2013-${day}T08:00:00+07:00`;
  let sequence = 0;
  const id = () => `${tag}-setup-${String((sequence += 1)).padStart(3, '0')}`;
  const commands = [
    { command: 'EstablishBloc', commandId: id(), actor: council, data: { blocId, name: `Khối ${tag}`, authority: 'UBND tỉnh', establishedAt: at('01-02') } },
    ...unitIds.map((unitId) => ({
      command: 'AdmitMember',
      commandId: id(),
      actor: council,
      data: { blocId, unitId, unitName: `Đơn vị ${unitId}`, admittedAt: at('01-03') },
    })),
    { command: 'TransferChairFlag', commandId: id(), actor: council, data: { blocId, toUnitId: unitIds[0]!, termYear: 2013, transferredAt: at('01-04') } },
    {
      command: 'LaunchCampaign',
      commandId: id(),
      actor: chair,
      data: {
        campaignId,
        blocId,
        year: 2013,
        title: `Phong trào ${tag}`,
        criteria: [
          { criterionId: 'c1', title: 'Tiêu chí 1', maxPoints: 10 },
          { criterionId: 'c2', title: 'Tiêu chí 2', maxPoints: 10 },
        ],
        bonusCap: 5,
        launchedAt: at('02-01'),
      },
    },
    ...unitIds.map((unitId) => ({
      command: 'SignPledge',
      commandId: id(),
      actor: { id: `office-${unitId}`, role: 'member', unitId },
      data: { campaignId, unitId, signedBy: `Thủ trưởng ${unitId}`, targets: [{ criterionId: 'c1', commitment: 'Đạt' }], signedAt: at('02-02') },
    })),
    { command: 'OpenScoring', commandId: id(), actor: chair, data: { campaignId, at: at('12-01') } },
  ];
  return { blocId, campaignId, unitIds, chair, commands, pledgeId: (unitId: string) => `${campaignId}.${unitId}` };
}
