/**
 * Stream names: `bloc-<blocId>`, `campaign-<campaignId>`,
 * `pledge-<pledgeId>`, with `pledgeId = <campaignId>.<unitId>`. Ids never hold
 * a dot, so a pledge id splits back unambiguously; the three prefixes differ,
 * so a stream id parses back to exactly one aggregate.
 */
import { ValidationError } from '@thidua/eventsourcing';
import { ID_PATTERN, PLEDGE_ID_PATTERN } from './schemas';

/** Prefix of every bloc stream. */
export const BLOC_STREAM_PREFIX = 'bloc-';
/** Prefix of every campaign stream. */
export const CAMPAIGN_STREAM_PREFIX = 'campaign-';
/** Prefix of every pledge stream. */
export const PLEDGE_STREAM_PREFIX = 'pledge-';

function checkId(id: string, what: string): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new ValidationError(`Invalid ${what} ${JSON.stringify(id)}`, [
      { path: what, message: 'must be 1–100 characters: letters A–Z, a–z, digits, "_" or "-"' },
    ]);
  }
  return id;
}

/** True when `id` is a valid bloc, campaign, unit or criterion id. */
export function isId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/** The stream of a bloc. @example blocStream('tay-ninh-kinh-te-ky-thuat') // 'bloc-tay-ninh-kinh-te-ky-thuat' */
export function blocStream(blocId: string): string {
  return BLOC_STREAM_PREFIX + checkId(blocId, 'blocId');
}

/** The stream of a campaign. */
export function campaignStream(campaignId: string): string {
  return CAMPAIGN_STREAM_PREFIX + checkId(campaignId, 'campaignId');
}

/** The stream of a pledge, from its pledge id (see {@link pledgeIdOf}). */
export function pledgeStream(pledgeId: string): string {
  if (typeof pledgeId !== 'string' || !PLEDGE_ID_PATTERN.test(pledgeId)) {
    throw new ValidationError(`Invalid pledgeId ${JSON.stringify(pledgeId)}`, [
      { path: 'pledgeId', message: 'must be "<campaignId>.<unitId>"' },
    ]);
  }
  return PLEDGE_STREAM_PREFIX + pledgeId;
}

/**
 * The pledge id of a unit in a campaign. A unit signs at most one pledge per
 * campaign: the id is derived, and the pledge stream is created with
 * `no_stream`.
 *
 * @example pledgeIdOf('tay-ninh-kinh-te-ky-thuat-2013', 'so-tt-tt') // 'tay-ninh-kinh-te-ky-thuat-2013.so-tt-tt'
 */
export function pledgeIdOf(campaignId: string, unitId: string): string {
  return `${checkId(campaignId, 'campaignId')}.${checkId(unitId, 'unitId')}`;
}

/** The campaign and unit of a pledge id, or `null` when it is not one. */
export function parsePledgeId(pledgeId: string): { campaignId: string; unitId: string } | null {
  if (typeof pledgeId !== 'string' || !PLEDGE_ID_PATTERN.test(pledgeId)) return null;
  const dot = pledgeId.indexOf('.');
  return { campaignId: pledgeId.slice(0, dot), unitId: pledgeId.slice(dot + 1) };
}

/** What a thidua stream id names. */
export type ParsedStreamId =
  | { kind: 'bloc'; blocId: string }
  | { kind: 'campaign'; campaignId: string }
  | { kind: 'pledge'; pledgeId: string; campaignId: string; unitId: string };

/**
 * Parses a stream id back to its aggregate, or `null` for a stream that is not
 * a thidua stream.
 *
 * @example parseStreamId('pledge-c2013.so-xay-dung') // { kind: 'pledge', pledgeId: 'c2013.so-xay-dung', campaignId: 'c2013', unitId: 'so-xay-dung' }
 */
export function parseStreamId(streamId: string): ParsedStreamId | null {
  if (typeof streamId !== 'string') return null;
  if (streamId.startsWith(BLOC_STREAM_PREFIX)) {
    const blocId = streamId.slice(BLOC_STREAM_PREFIX.length);
    return isId(blocId) ? { kind: 'bloc', blocId } : null;
  }
  if (streamId.startsWith(CAMPAIGN_STREAM_PREFIX)) {
    const campaignId = streamId.slice(CAMPAIGN_STREAM_PREFIX.length);
    return isId(campaignId) ? { kind: 'campaign', campaignId } : null;
  }
  if (streamId.startsWith(PLEDGE_STREAM_PREFIX)) {
    const pledgeId = streamId.slice(PLEDGE_STREAM_PREFIX.length);
    const parts = parsePledgeId(pledgeId);
    return parts ? { kind: 'pledge', pledgeId, ...parts } : null;
  }
  return null;
}
