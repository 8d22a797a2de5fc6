import { waitForCheckpoint, type EventStore, type ProjectionStore } from '@thidua/eventsourcing';
import { compareUnitIds, currentFlagHolder } from '@thidua/domain';
import { replayReadModelsAsOf, type ReadAsOf } from './as-of';
import { AUDIT_TRAIL_PROJECTION, auditStreamPrefix, auditUnitPrefix } from './audit-trail/audit-trail.projection';
import type { AuditEntry } from './audit-trail/audit-trail.types';
import { CHAIR_HISTORY_PROJECTION } from './chair-history/chair-history.projection';
import type { ChairHistory, ChairHistoryDoc } from './chair-history/chair-history.types';
import { blocKey, campaignKey } from './documents';
import { PROGRESS_PROJECTION } from './progress/progress.projection';
import type { CampaignProgress, ProgressBlocDoc, ProgressCampaignDoc } from './progress/progress.types';
import { own } from './records';
import { buildYearEndStandings } from './standings/build-standings';
import { STANDINGS_PROJECTION, standingsProjection } from './standings/standings.projection';
import type { StandingsBlocDoc, StandingsCampaignDoc, YearEndStandings } from './standings/standings.types';
import { buildYearSummary } from './year-summary/build-year-summary';
import { authorityKey, AUTHORITY_PREFIX, YEAR_SUMMARY_PROJECTION, yearSummaryProjection } from './year-summary/year-summary.projection';
import type { AuthorityBlocsDoc, YearSummary } from './year-summary/year-summary.types';

/** Read-your-writes: wait until the projection has applied the log up to `position` before reading. */
export interface ReadOptions {
  /**
   * Typically the `position` a command returned. Without `timeoutMs` the
   * kernel's default (5 s) applies; past it the read fails with a
   * `TimeoutError` (code `timeout`).
   */
  waitFor?: { position: bigint; timeoutMs?: number };
}

async function waitIfAsked(store: ProjectionStore, projection: string, options: ReadOptions): Promise<void> {
  if (!options.waitFor) return;
  const { position, timeoutMs } = options.waitFor;
  await waitForCheckpoint(store, projection, position, timeoutMs === undefined ? {} : { timeoutMs });
}

/**
 * The year-end standings of a bloc for a year, or null when the
 * bloc is unknown or has no campaign for that year.
 *
 * @example
 * const { position } = await thidua.execute(command);
 * const standings = await getYearEndStandings(projectionStore, { blocId: 'kt-kt', year: 2013, waitFor: { position } });
 */
export async function getYearEndStandings(
  projectionStore: ProjectionStore,
  query: { blocId: string; year: number } & ReadOptions,
): Promise<YearEndStandings | null> {
  await waitIfAsked(projectionStore, STANDINGS_PROJECTION, query);
  const bloc = await projectionStore.getDocument<StandingsBlocDoc>(STANDINGS_PROJECTION, blocKey(query.blocId));
  const campaignId = bloc ? own(bloc.campaigns, String(query.year)) : undefined;
  if (!bloc || campaignId === undefined) return null;
  const campaign = await projectionStore.getDocument<StandingsCampaignDoc>(STANDINGS_PROJECTION, campaignKey(campaignId));
  return campaign ? buildYearEndStandings(bloc, campaign) : null;
}

/**
 * The standings as they stood at a past moment: by business time (the
 * events' own dates), by the store's clock, or at a log position (see
 * `replayReadModelsAsOf`), replayed into memory, leaving the live read
 * models untouched. `null` when the bloc or its campaign of that year did
 * not exist yet; `validation_failed` (on `asOf`) for a moment before the
 * first event of the log.
 *
 * @example
 * await getYearEndStandingsAsOf({ eventStore, blocId: 'kt-kt', year: 2013, asOf: { businessTime: '2014-02-12' } });
 */
export async function getYearEndStandingsAsOf(options: { eventStore: EventStore; blocId: string; year: number; asOf: ReadAsOf }): Promise<YearEndStandings | null> {
  const { projectionStore } = await replayReadModelsAsOf({ eventStore: options.eventStore, projections: [standingsProjection], asOf: options.asOf });
  try {
    return await getYearEndStandings(projectionStore, { blocId: options.blocId, year: options.year });
  } finally {
    await projectionStore.close();
  }
}

/**
 * The year summary of an authority (every bloc it established that ran a
 * campaign that year, by blocId: chair, next chair, leaders, awards with
 * the council's outcome, classes), or `null` when no bloc names that
 * authority. The text is compared after Unicode NFC normalisation. Reads
 * the `year-summary` and `standings` projections.
 */
export async function getYearSummary(projectionStore: ProjectionStore, query: { authority: string; year: number } & ReadOptions): Promise<YearSummary | null> {
  await waitIfAsked(projectionStore, YEAR_SUMMARY_PROJECTION, query);
  await waitIfAsked(projectionStore, STANDINGS_PROJECTION, query);
  const doc = await projectionStore.getDocument<AuthorityBlocsDoc>(YEAR_SUMMARY_PROJECTION, authorityKey(query.authority.trim()));
  if (!doc) return null;
  const standings: YearEndStandings[] = [];
  for (const blocId of doc.blocIds) {
    const found = await getYearEndStandings(projectionStore, { blocId, year: query.year });
    if (found) standings.push(found);
  }
  return buildYearSummary(doc.authority, query.year, standings);
}

/** The authorities the log knows, sorted: what `getYearSummary` can be asked for. */
export async function listAuthorities(projectionStore: ProjectionStore): Promise<string[]> {
  const docs = await projectionStore.listDocuments<AuthorityBlocsDoc>(YEAR_SUMMARY_PROJECTION, { prefix: AUTHORITY_PREFIX });
  return docs.map(({ doc }) => doc.authority).sort();
}

/** {@link getYearSummary} as of a past moment, like {@link getYearEndStandingsAsOf}. */
export async function getYearSummaryAsOf(options: { eventStore: EventStore; authority: string; year: number; asOf: ReadAsOf }): Promise<YearSummary | null> {
  const { projectionStore } = await replayReadModelsAsOf({
    eventStore: options.eventStore,
    projections: [yearSummaryProjection, standingsProjection],
    asOf: options.asOf,
  });
  try {
    return await getYearSummary(projectionStore, { authority: options.authority, year: options.year });
  } finally {
    await projectionStore.close();
  }
}

/** The chair-flag history of a bloc, or null when the bloc is unknown. */
export async function getChairHistory(
  projectionStore: ProjectionStore,
  query: { blocId: string } & ReadOptions,
): Promise<ChairHistory | null> {
  await waitIfAsked(projectionStore, CHAIR_HISTORY_PROJECTION, query);
  const doc = await projectionStore.getDocument<ChairHistoryDoc>(CHAIR_HISTORY_PROJECTION, blocKey(query.blocId));
  if (!doc) return null;
  const name = (unitId: string) => own(doc.units, unitId) ?? unitId;
  return {
    blocId: doc.blocId,
    blocName: doc.blocName,
    holder: currentFlagHolder(doc.transfers)?.toUnitId ?? null,
    transfers: doc.transfers.map((transfer) => ({
      termYear: transfer.termYear,
      fromUnitId: transfer.fromUnitId,
      fromUnitName: transfer.fromUnitId === null ? null : name(transfer.fromUnitId),
      toUnitId: transfer.toUnitId,
      toUnitName: name(transfer.toUnitId),
      decisionRef: transfer.decisionRef,
      transferredAt: transfer.transferredAt,
      position: transfer.position,
    })),
    deputies: doc.deputies.map((deputy) => ({
      termYear: deputy.termYear,
      unitId: deputy.unitId,
      unitName: name(deputy.unitId),
      electedAt: deputy.electedAt,
      position: deputy.position,
    })),
  };
}

/**
 * The audit trail of one stream (`{ streamId }`) or one unit (`{ unitId }`:
 * events about the unit or issued by it), in log order; empty when there is
 * nothing.
 */
export async function getAuditTrail(
  projectionStore: ProjectionStore,
  query: ({ streamId: string } | { unitId: string }) & ReadOptions,
): Promise<AuditEntry[]> {
  await waitIfAsked(projectionStore, AUDIT_TRAIL_PROJECTION, query);
  const prefix = 'streamId' in query ? auditStreamPrefix(query.streamId) : auditUnitPrefix(query.unitId);
  const docs = await projectionStore.listDocuments<AuditEntry>(AUDIT_TRAIL_PROJECTION, { prefix });
  return docs.map(({ doc }) => doc);
}

/** Who has signed a campaign's covenant and who has scored what, or null when the campaign is unknown. */
export async function getCampaignProgress(
  projectionStore: ProjectionStore,
  query: { campaignId: string } & ReadOptions,
): Promise<CampaignProgress | null> {
  await waitIfAsked(projectionStore, PROGRESS_PROJECTION, query);
  const campaign = await projectionStore.getDocument<ProgressCampaignDoc>(PROGRESS_PROJECTION, campaignKey(query.campaignId));
  if (!campaign) return null;
  const bloc = await projectionStore.getDocument<ProgressBlocDoc>(PROGRESS_PROJECTION, blocKey(campaign.blocId));
  const units = bloc?.units ?? {};
  const name = (unitId: string) => own(units, unitId)?.unitName ?? unitId;

  const pledges = Object.values(campaign.pledges)
    .sort((a, b) => compareUnitIds(a.unitId, b.unitId))
    .map((pledge) => {
      const scored = campaign.criterionIds.flatMap((criterionId) => {
        const levels = own(pledge.levels, criterionId);
        const level = levels?.[levels.length - 1];
        return levels && level ? [{ criterionId, level, levels: [...levels] }] : [];
      });
      return {
        pledgeId: pledge.pledgeId,
        unitId: pledge.unitId,
        unitName: name(pledge.unitId),
        signedBy: pledge.signedBy,
        signedAt: pledge.signedAt,
        status: pledge.status,
        scored,
        unscored: campaign.criterionIds.filter((criterionId) => own(pledge.levels, criterionId) === undefined),
      };
    });
  const members = Object.entries(units).filter(([, unit]) => unit.member);
  const active = pledges.filter((pledge) => pledge.status === 'active');
  return {
    campaignId: campaign.campaignId,
    blocId: campaign.blocId,
    year: campaign.year,
    title: campaign.title,
    phase: campaign.phase,
    criteria: [...campaign.criterionIds],
    pledges,
    notSigned: members
      .filter(([unitId]) => own(campaign.pledges, unitId) === undefined)
      .map(([unitId, unit]) => ({ unitId, unitName: unit.unitName }))
      .sort((a, b) => compareUnitIds(a.unitId, b.unitId)),
    counts: {
      members: members.length,
      signed: pledges.length,
      fullyScored: active.filter((pledge) => pledge.unscored.length === 0).length,
      fullyVerified: active.filter(
        (pledge) => pledge.unscored.length === 0 && pledge.scored.every((criterion) => criterion.level === 'verified'),
      ).length,
    },
  };
}
