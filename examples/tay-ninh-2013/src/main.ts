/**
 * Runs the Tây Ninh 2013 case on an in-memory store and prints what the log
 * says: `npm start -w @thidua/example-tay-ninh-2013` after a build.
 */
import {
  chairForYear,
  deputyForYear,
  loadBloc,
  loadCampaign,
  loadCampaignPledges,
  pledgeTotal,
  thiduaRegistry,
} from '@thidua/domain';
import { createInMemoryEventStore } from '@thidua/eventsourcing';
import { BLOC_ID, CAMPAIGN_ID, runTayNinh2013 } from '@thidua/domain/demo';

async function main(): Promise<void> {
  const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
  const run = await runTayNinh2013(eventStore);
  const bloc = await loadBloc(eventStore, BLOC_ID);
  const campaign = await loadCampaign(eventStore, CAMPAIGN_ID);
  if (!bloc.established || !campaign.launched) throw new Error('the case did not run');
  const pledges = await loadCampaignPledges(eventStore, campaign, bloc);
  const nameOf = (unitId: string | null): string => (unitId === null ? '—' : (bloc.members.find((m) => m.unitId === unitId)?.unitName ?? unitId));
  const review = campaign.reviews.find((r) => r.kind === 'year-end');
  const lines = [
    `${run.commands} commands, ${run.eventsAppended} events (last position ${String(run.lastPosition)})`,
    '',
    `${bloc.name} (${bloc.blocId}), ${bloc.members.length} members`,
    `${campaign.title}: ${campaign.criteria.length} criteria, ${pledges.length} pledges, phase ${campaign.phase}`,
    `Year-end review: ${review ? `${review.heldAt}, hosted by ${nameOf(review.hostUnitId)}` : '—'}`,
    `Chair 2013: ${nameOf(chairForYear(bloc.flag, 2013))}`,
    '',
    `Ranks (${campaign.ranking?.basis ?? 'none'}):`,
    ...(campaign.ranking?.rows ?? []).map((row) => {
      const pledge = pledges.find((p) => p.unitId === row.unitId);
      const total = pledge
        ? pledgeTotal({ criterionIds: campaign.criteria.map((c) => c.criterionId), bonusCap: campaign.bonusCap, scores: pledge.scores, adjustments: pledge.adjustments }).total
        : row.totalPoints;
      return `  ${row.rank}. ${nameOf(row.unitId).padEnd(42)} ${total.toFixed(2)}`;
    }),
    '',
    `Chair 2014: ${nameOf(chairForYear(bloc.flag, 2014))} (flag from ${nameOf(bloc.flag.find((term) => term.termYear === 2014)?.fromUnitId ?? null)})`,
    `Deputy 2014: ${nameOf(deputyForYear(bloc.deputies, 2014))}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await eventStore.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
