/*
 * What the thidua projections share about their documents: most keep one
 * document per bloc (`bloc:<blocId>`) and one per campaign
 * (`campaign:<campaignId>`, its pledges inside), so that an event touches at
 * most two documents whatever the size of the log. Written once here, used
 * by every projection with that layout.
 */
import { documentProjection, type DocumentProjectionOptions, type Projection, type ProjectionDocuments } from '@thidua/eventsourcing';
import { own } from './records';
import { pledgeLocator } from './pledge-location';
import { required, type RecordedThiduaEvent } from './thidua-event';

/** A thidua projection written as one list of handled events (the kernel's `documentProjection`). */
export function thiduaProjection<Doc>(options: DocumentProjectionOptions<RecordedThiduaEvent, Doc>): Projection<Doc> {
  return documentProjection<RecordedThiduaEvent, Doc>(options);
}

/** Document key of a bloc. */
export const blocKey = (blocId: string): string => `bloc:${blocId}`;
/** Document key of a campaign. */
export const campaignKey = (campaignId: string): string => `campaign:${campaignId}`;

const locatePledge = pledgeLocator(campaignKey);

/** `ids` of an event about a bloc: its document. */
export const blocIds = (event: { data: { blocId: string } }): readonly string[] => [blocKey(event.data.blocId)];
/** `ids` of an event about a campaign: its document. */
export const campaignIds = (event: { data: { campaignId: string } }): readonly string[] => [campaignKey(event.data.campaignId)];
/** `ids` of an event about a pledge: its campaign's document (pledge events after signing carry only `pledgeId`). */
export const pledgeIds = (event: { data: { pledgeId: string } }): readonly string[] => locatePledge(event.data.pledgeId).keys;

/*
 * The update helpers hand the event to `change` rather than have callers
 * close over it: evolve runs for every event of a rebuild, and a module-level
 * `change` allocates nothing per event.
 */

/**
 * Changes the document under `key` in place and writes it back. It must
 * exist: a log written through the domain never holds an event before the
 * one that creates its document. A key's prefix fixes its document's kind,
 * so the cast to `D` only restates what the key says.
 */
export function update<D, E>(docs: ProjectionDocuments<unknown>, key: string, kind: string, id: string, event: E, change: (doc: D, event: E) => void): void {
  const doc = required(docs.get(key) as D | undefined, kind, id);
  change(doc, event);
  docs.set(key, doc);
}

/** {@link update} of the bloc document the event names. */
export function updateBloc<D, E extends { data: { blocId: string } }>(docs: ProjectionDocuments<unknown>, event: E, change: (doc: D, event: E) => void): void {
  update(docs, blocKey(event.data.blocId), 'Bloc', event.data.blocId, event, change);
}

/** {@link update} of the campaign document the event names. */
export function updateCampaign<D, E extends { data: { campaignId: string } }>(docs: ProjectionDocuments<unknown>, event: E, change: (doc: D, event: E) => void): void {
  update(docs, campaignKey(event.data.campaignId), 'Campaign', event.data.campaignId, event, change);
}

/** Changes the pledge the event names inside its campaign's document (`pledges`, by unitId), and writes the campaign back. */
export function updatePledge<P, E extends { data: { pledgeId: string } }>(
  docs: ProjectionDocuments<unknown>,
  event: E,
  change: (pledge: P, event: E) => void,
): void {
  const { pledgeId } = event.data;
  const location = locatePledge(pledgeId);
  const campaign = required(docs.get(location.key) as { pledges: Record<string, P> } | undefined, 'Campaign of pledge', pledgeId);
  change(required(own(campaign.pledges, location.unitId), 'Pledge', pledgeId), event);
  docs.set(location.key, campaign);
}
