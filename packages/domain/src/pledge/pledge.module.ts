/**
 * The pledge aggregate as one module: stream `pledge-<campaignId>.<unitId>`;
 * its rules read the campaign (phase, criteria, year) and its bloc (members,
 * chair of the year).
 */
import { defineAggregate } from '../aggregate';
import { initialBlocState } from '../bloc/bloc.state';
import { loadBloc, loadCampaign } from '../load';
import { pledgeStream } from '../streams';
import { PLEDGE_COMMANDS, type PledgeCommand } from './pledge.commands';
import { campaignIdOfPledgeCommand, pledgeDecider, pledgeIdOfPledgeCommand, type PledgeContext } from './pledge.decider';
import { pledgeEventDefinitions, type PledgeEvent } from './pledge.events';
import type { PledgeState } from './pledge.state';

/** The pledge aggregate (giao ước thi đua of one unit): signing, scores, adjustments, withdrawal. */
export const pledgeModule = defineAggregate<PledgeCommand, PledgeEvent, PledgeState, PledgeContext>({
  name: 'pledge',
  commands: PLEDGE_COMMANDS,
  events: pledgeEventDefinitions,
  decider: pledgeDecider,
  streamId: (command) => pledgeStream(pledgeIdOfPledgeCommand(command)),
  async loadContext(eventStore, command, _state, cache) {
    const campaign = await loadCampaign(eventStore, campaignIdOfPledgeCommand(command), cache);
    const bloc = campaign.launched ? await loadBloc(eventStore, campaign.blocId, cache) : initialBlocState;
    return { campaign, bloc };
  },
});
