import { z } from 'zod';
import { unstorableTextProblem } from '@thidua/eventsourcing';
import { hasAtMostTwoDecimals, MAX_POINTS } from './scoring';

/**
 * The error option of a base type: "is required" when the field is missing,
 * `message` when it holds the wrong type, so a person knows which to fix.
 */
export function requiredOr(message: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? 'is required' : message) };
}

/**
 * The id grammar of the domain (`blocId`, `campaignId`, `unitId`,
 * `criterionId`). No dots: that is what keeps `<campaignId>.<unitId>`
 * (a pledge id) unambiguous.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** A pledge id, `<campaignId>.<unitId>`. */
export const PLEDGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}\.[A-Za-z0-9_-]{1,100}$/;

/** An id of a bloc, campaign, unit or criterion. */
export const idSchema = z
  .string(requiredOr('must be a string id'))
  .regex(ID_PATTERN, { message: 'must be 1–100 characters: letters A–Z, a–z, digits, "_" or "-"' });

/** A pledge id: `<campaignId>.<unitId>`. */
export const pledgeIdSchema = z
  .string(requiredOr('must be a string pledge id'))
  .regex(PLEDGE_ID_PATTERN, { message: 'must be "<campaignId>.<unitId>", e.g. "ttn-2013.so-tt-tt"' });

/**
 * A business date: ISO-8601 with an offset (`2014-02-13T08:00:00+07:00`, or
 * `Z`). It comes from the command, never from the clock, so that history can
 * be imported as it happened; a local time without offset is refused because
 * it cannot be placed on the timeline.
 */
export const dateTimeSchema = z.iso.datetime({
  offset: true,
  ...requiredOr('must be an ISO-8601 date-time with offset, e.g. 2014-02-13T08:00:00+07:00'),
});

/** A calendar year (campaign year, term year). */
export const yearSchema = z
  .number(requiredOr('must be a year (a number such as 2013)'))
  .int({ message: 'must be a whole year, e.g. 2013' })
  .min(1900, { message: 'must be 1900 or later' })
  .max(9999, { message: 'must be 9999 or earlier' });

/** Points: ≥ 0, at most 2 decimals, bounded so that sums stay exact in integer hundredths. */
export const pointsSchema = z
  .number(requiredOr('must be a number of points'))
  .min(0, { message: 'must be 0 or more' })
  .max(MAX_POINTS, { message: `must be at most ${MAX_POINTS}` })
  .refine(hasAtMostTwoDecimals, { message: 'must have at most 2 decimals, e.g. 8.25' });

/** Points strictly above 0 (adjustments, criterion maxima). */
export const positivePointsSchema = pointsSchema.refine((points) => points > 0, { message: 'must be more than 0' });

/** Refines a string schema to text every store can hold (the kernel's `unstorableTextProblem`: PostgreSQL refuses U+0000 and lone surrogates that SQLite and memory keep, and a log must move between stores unchanged). */
export function storable<S extends z.ZodType<string>>(schema: S) {
  return schema.superRefine((text, context) => {
    const problem = unstorableTextProblem(text);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem, input: text });
  });
}

/** Human text: trimmed, not empty, bounded, and storable by every store. */
export function textSchema(max = 500) {
  return storable(
    z
      .string(requiredOr('must be text'))
      .trim()
      .min(1, { message: 'must not be empty' })
      .max(max, { message: `must be at most ${max} characters` }),
  );
}

/** An object keyed uniquely by `key` in an array: reports the first duplicate with its index. */
export function uniqueBy<T>(key: (item: T) => string, what: string) {
  return (items: readonly T[], context: z.core.$RefinementCtx<readonly T[]>): void => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const value = key(item);
      if (seen.has(value)) {
        context.addIssue({ code: 'custom', path: [index], message: `duplicate ${what} "${value}"`, input: item });
      }
      seen.add(value);
    });
  };
}

/**
 * A list of objects with unique `key`s (the first duplicate reported with its
 * index), at least `min` and at most `max` long, each bound with the message
 * a person can act on.
 */
export function uniqueList<Item extends z.ZodType>(
  item: Item,
  key: (value: z.infer<Item>) => string,
  what: string,
  bounds: { min?: { count: number; message: string }; max: { count: number; message: string } },
) {
  const list = z.array(item).max(bounds.max.count, { message: bounds.max.message });
  return (bounds.min === undefined ? list : list.min(bounds.min.count, { message: bounds.min.message })).superRefine(uniqueBy(key, what));
}
