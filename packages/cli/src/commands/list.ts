import type { EventStore } from '@thidua/eventsourcing';
import { Option, type Command } from 'commander';
import { ExitCode } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { withStores } from '../open-store';
import { printData, printInfo, renderTable } from '../output';

/** A campaign of a bloc, as `thidua list` shows it. */
export interface ListedCampaign {
  campaignId: string;
  year: number;
  title: string;
  /** True once the campaign is closed. */
  final: boolean;
}

/** A bloc and its campaigns, by year. */
export interface ListedBloc {
  blocId: string;
  name: string;
  authority: string;
  campaigns: ListedCampaign[];
}

/**
 * Every bloc of a store with its campaigns and their years: what a user can
 * ask `thidua standings --bloc <id> --year <y>` for. Read from the log
 * itself (three event types, filtered by the store), so it needs no read
 * model and is never stale. Blocs by id, campaigns by year.
 */
export async function listBlocs(eventStore: EventStore): Promise<ListedBloc[]> {
  const blocs = new Map<string, ListedBloc>();
  const campaigns = new Map<string, { blocId: string; campaign: ListedCampaign }>();
  const filter = { eventTypes: ['BlocEstablished', 'CampaignLaunched', 'CampaignClosed'] };
  for await (const event of eventStore.readAll({ filter })) {
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'BlocEstablished': {
        const blocId = String(data['blocId']);
        blocs.set(blocId, { blocId, name: String(data['name']), authority: String(data['authority']), campaigns: [] });
        break;
      }
      case 'CampaignLaunched': {
        const campaign = { campaignId: String(data['campaignId']), year: Number(data['year']), title: String(data['title']), final: false };
        campaigns.set(campaign.campaignId, { blocId: String(data['blocId']), campaign });
        break;
      }
      case 'CampaignClosed': {
        const found = campaigns.get(String(data['campaignId']));
        if (found) found.campaign.final = true;
        break;
      }
    }
  }
  for (const { blocId, campaign } of campaigns.values()) blocs.get(blocId)?.campaigns.push(campaign);
  const listed = [...blocs.values()].sort((a, b) => (a.blocId < b.blocId ? -1 : a.blocId > b.blocId ? 1 : 0));
  for (const bloc of listed) bloc.campaigns.sort((a, b) => a.year - b.year || (a.campaignId < b.campaignId ? -1 : 1));
  return listed;
}

interface ListOptions extends GlobalOptions {
  format: 'table' | 'json';
}

/** `thidua list`. */
export function registerListCommand(program: Command, finish: Finish): void {
  program
    .command('list')
    .description('list the blocs of the store, with their campaigns and years: what standings can be asked for')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
One line per campaign (a bloc without one has a line of its own): bloc id,
name, authority, year, campaign id and title, and whether it is closed.
JSON: [{ blocId, name, authority, campaigns: [{ campaignId, year, title, final }] }].

Examples:
  thidua list
  thidua standings --bloc <bloc id> --year <year>     # with a line of the list
  thidua --store postgres://localhost/thidua list --format json`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await list(command.optsWithGlobals<ListOptions>()));
    });
}

async function list(options: ListOptions): Promise<ExitCode> {
  return withStores(
    options,
    async ({ eventStore, description }) => {
      const blocs = await listBlocs(eventStore);
      if (options.format === 'json') {
        await printData(`${JSON.stringify(blocs, null, 2)}\n`);
        return ExitCode.ok;
      }
      if (blocs.length === 0) {
        printInfo(`no blocs in ${description}`);
        return ExitCode.ok;
      }
      const rows = blocs.flatMap((bloc) =>
        (bloc.campaigns.length === 0 ? [null] : bloc.campaigns).map((campaign) => [
          bloc.blocId,
          bloc.name,
          bloc.authority,
          campaign ? String(campaign.year) : '',
          campaign?.campaignId ?? '(no campaign)',
          campaign?.title ?? '',
          campaign ? (campaign.final ? 'closed' : 'open') : '',
        ]),
      );
      await printData(renderTable(['Bloc', 'Name', 'Authority', 'Year', 'Campaign', 'Title', 'Status'], rows));
      return ExitCode.ok;
    },
    { readOnly: true },
  );
}
