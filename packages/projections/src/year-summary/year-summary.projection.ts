import { thiduaProjection } from '../documents';
import type { AuthorityBlocsDoc } from './year-summary.types';

/** Name of the year-summary projection in the projection store. */
export const YEAR_SUMMARY_PROJECTION = 'year-summary';

/** Document key prefix of every authority. */
export const AUTHORITY_PREFIX = 'authority:';

/**
 * Document key of an authority. The text is compared in Unicode NFC, so a
 * name typed with combining accents (as some keyboards write Vietnamese)
 * finds the one the log holds precomposed.
 */
export const authorityKey = (authority: string): string => `${AUTHORITY_PREFIX}${authority.normalize('NFC')}`;

/**
 * The blocs of each authority, one document per authority
 * (`authority:<authority>`): the index the year summary reads; everything
 * else it shows comes from the standings, so chairs and ranks are the
 * standings' own.
 */
export const yearSummaryProjection = thiduaProjection<AuthorityBlocsDoc>({
  name: YEAR_SUMMARY_PROJECTION,
  version: 1,
  on: {
    BlocEstablished: {
      ids: (e) => [authorityKey(e.data.authority)],
      evolve(docs, e) {
        const key = authorityKey(e.data.authority);
        const doc = docs.get(key) ?? { authority: e.data.authority, blocIds: [] };
        if (!doc.blocIds.includes(e.data.blocId)) doc.blocIds.push(e.data.blocId);
        docs.set(key, doc);
      },
    },
  },
});
