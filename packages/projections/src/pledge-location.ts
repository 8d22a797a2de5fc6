import { pledgeParts } from './thidua-event';

/** Where a pledge's events go in a projection with one document per campaign. */
export interface PledgeLocation {
  /** The campaign document's key. */
  readonly key: string;
  /** The same key, alone, as the projection's `keys` returns it. */
  readonly keys: readonly string[];
  /** The pledge's unit: its entry in the campaign document. */
  readonly unitId: string;
}

/** Pledges remembered per locator; the log may hold any number of them. */
const MAX_REMEMBERED_PLEDGES = 50_000;

/**
 * A function from a pledge id to its location, remembering its answers: each
 * pledge event needs it twice (keys, then apply), and a rebuild meets every
 * pledge many times. Keeping one key string per pledge also keeps its hash
 * for the document lookups.
 */
export function pledgeLocator(campaignKey: (campaignId: string) => string): (pledgeId: string) => PledgeLocation {
  const locations = new Map<string, PledgeLocation>();
  return (pledgeId) => {
    let location = locations.get(pledgeId);
    if (location === undefined) {
      const { campaignId, unitId } = pledgeParts(pledgeId);
      const key = campaignKey(campaignId);
      location = { key, keys: Object.freeze([key]), unitId };
      if (locations.size >= MAX_REMEMBERED_PLEDGES) locations.clear();
      locations.set(pledgeId, location);
    }
    return location;
  };
}
