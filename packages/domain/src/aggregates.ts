/**
 * The domain's aggregates, in the order of the domain contract: the one list
 * the write side, the command envelope and the registry are built from.
 */
import { blocModule } from './bloc/bloc.module';
import { campaignModule } from './campaign/campaign.module';
import { pledgeModule } from './pledge/pledge.module';

/** Bloc, campaign and pledge, each as one module. */
export const THIDUA_AGGREGATES = [blocModule, campaignModule, pledgeModule] as const;
