/**
 * Roles and who holds the chair flag. Role checks run inside
 * `decide`, so a decider refuses a forbidden actor with the same typed error
 * whichever way it is called.
 *
 * - `council`: the authority; may do everything.
 * - `chair`: the unit holding the flag for the campaign's year: runs its
 *   bloc's campaign, records `cross`/`verified` scores and adjustments, ranks,
 *   proposes awards. On bloc commands (transfer, deputy election) the chair is
 *   the current flag holder.
 * - `member`: acts only for its own `unitId`: signs its pledge, records `self`
 *   scores, withdraws.
 * - `auditor`: reads only.
 * Anything else is `forbidden`.
 */
import { ForbiddenError, type Actor } from '@thidua/eventsourcing';

/** The known roles. */
export const THIDUA_ROLES = ['council', 'chair', 'member', 'auditor'] as const;
/** A known role. */
export type ThiduaRole = (typeof THIDUA_ROLES)[number];

/** A flag hand-over, as far as chair lookups need it. */
export interface FlagTermLike {
  toUnitId: string;
  termYear: number;
}

/** A deputy election, as far as deputy lookups need it. */
export interface DeputyTermLike {
  unitId: string;
  termYear: number;
}

/**
 * The unit holding the flag for `year`: the recipient of the latest hand-over
 * whose term year is `year` or earlier. A chair keeps the flag until it is
 * handed on, so a year no transfer names belongs to the last chair before it;
 * a year before the first transfer has no chair (`null`).
 */
export function chairForYear(flag: readonly FlagTermLike[], year: number): string | null {
  let chair: string | null = null;
  let best = Number.NEGATIVE_INFINITY;
  for (const term of flag) {
    if (term.termYear <= year && term.termYear >= best) {
      best = term.termYear;
      chair = term.toUnitId;
    }
  }
  return chair;
}

/** The current flag holder: the recipient of the hand-over with the latest term year, or `null`. */
export function currentFlagHolder<T extends FlagTermLike>(flag: readonly T[]): T | null {
  let holder: T | null = null;
  for (const term of flag) if (!holder || term.termYear >= holder.termYear) holder = term;
  return holder;
}

/**
 * The deputy chair elected for exactly `year` (the latest election for it),
 * or `null`. Unlike the flag, a deputy is elected for one term and does not
 * carry over.
 */
export function deputyForYear(deputies: readonly DeputyTermLike[], year: number): string | null {
  let deputy: string | null = null;
  for (const term of deputies) if (term.termYear === year) deputy = term.unitId;
  return deputy;
}

function isRole(role: string): role is ThiduaRole {
  return (THIDUA_ROLES as readonly string[]).includes(role);
}

function refuse(actor: Actor, action: string, why: string): never {
  throw new ForbiddenError(`Actor ${actor.id} (role "${actor.role}"${actor.unitId ? `, unit ${actor.unitId}` : ''}) may not ${action}: ${why}`, {
    actorId: actor.id,
    role: actor.role,
    ...(actor.unitId ? { unitId: actor.unitId } : {}),
    action,
  });
}

function refuseOthers(actor: Actor, action: string, allowed: string): never {
  if (!isRole(actor.role)) return refuse(actor, action, `unknown role; roles are ${THIDUA_ROLES.join(', ')}`);
  if (actor.role === 'auditor') return refuse(actor, action, 'auditors read only');
  return refuse(actor, action, `only ${allowed} may`);
}

/** Lets only the council through. Throws `forbidden`. */
export function assertCouncil(actor: Actor, action: string): void {
  if (actor.role !== 'council') refuseOthers(actor, action, 'the council');
}

/**
 * Lets the council through, and a `chair` actor whose unit is `chairUnitId`
 * (the unit holding the flag for the year in question). Throws `forbidden`.
 */
export function assertCouncilOrChair(actor: Actor, chairUnitId: string | null, action: string, year?: number): void {
  if (actor.role === 'council') return;
  const whose = year === undefined ? 'the current flag holder' : `the chair of ${year}`;
  if (actor.role === 'chair') {
    if (!actor.unitId) refuse(actor, action, 'a chair actor must carry its unitId');
    if (chairUnitId === null) refuse(actor, action, `no unit holds the flag${year === undefined ? '' : ` for ${year}`}`);
    if (actor.unitId !== chairUnitId) refuse(actor, action, `${whose} is ${chairUnitId}, not ${actor.unitId}`);
    return;
  }
  refuseOthers(actor, action, `the council or ${whose}${chairUnitId === null ? ' (nobody holds the flag)' : ` (${chairUnitId})`}`);
}

/** Lets the council through, and a `member` actor of unit `unitId` (its own unit only). Throws `forbidden`. */
export function assertCouncilOrOwnUnit(actor: Actor, unitId: string, action: string): void {
  if (actor.role === 'council') return;
  if (actor.role === 'member') {
    if (!actor.unitId) refuse(actor, action, 'a member actor must carry its unitId');
    if (actor.unitId !== unitId) refuse(actor, action, `a member acts only for its own unit (${actor.unitId}), not for ${unitId}`);
    return;
  }
  refuseOthers(actor, action, `the council or a member of unit ${unitId} for itself`);
}
