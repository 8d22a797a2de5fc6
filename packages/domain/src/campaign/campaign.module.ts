/**
 * The campaign aggregate as one module: stream `campaign-<campaignId>`; its
 * rules read the bloc (chair of the year, members) and, for the commands
 * that rank or award, the campaign's pledges.
 */
import { defineAggregate } from '../aggregate';
import { initialBlocState } from '../bloc/bloc.state';
import { loadBloc, loadCampaignPledges, loadCampaignsOfYear } from '../load';
import { campaignStream } from '../streams';
import { CAMPAIGN_COMMANDS, type CampaignCommand } from './campaign.commands';
import { campaignDecider, type CampaignContext } from './campaign.decider';
import { campaignEventDefinitions, type CampaignEvent } from './campaign.events';
import type { CampaignState } from './campaign.state';

/** Commands whose rules read the campaign's pledges (totals and status). */
const READS_PLEDGES: ReadonlySet<string> = new Set<CampaignCommand['command']>(['AssignRanks', 'ProposeAward', 'ClassifyPledges']);

/** The campaign aggregate (phong trào thi đua): phases, reviews, ranks, awards. */
export const campaignModule = defineAggregate<CampaignCommand, CampaignEvent, CampaignState, CampaignContext>({
  name: 'campaign',
  commands: CAMPAIGN_COMMANDS,
  events: campaignEventDefinitions,
  decider: campaignDecider,
  streamId: (command) => campaignStream(command.data.campaignId),
  async loadContext(eventStore, command, state, cache) {
    const blocId = command.command === 'LaunchCampaign' ? command.data.blocId : state.launched ? state.blocId : null;
    const bloc = blocId === null ? initialBlocState : await loadBloc(eventStore, blocId, cache);
    const pledges = READS_PLEDGES.has(command.command) && state.launched && bloc.established ? await loadCampaignPledges(eventStore, state, bloc, cache) : [];
    if (command.command !== 'LaunchCampaign') return { bloc, pledges };
    // Two launches for one bloc and year racing each other can both pass this read; see docs/domain.md.
    return { bloc, pledges, campaignsOfYear: await loadCampaignsOfYear(eventStore, command.data.blocId, command.data.year) };
  },
});
