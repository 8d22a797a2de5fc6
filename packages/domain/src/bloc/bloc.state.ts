/** The state of one bloc stream, as `evolve` folds it. */

/** A current member of a bloc. */
export interface BlocMember {
  unitId: string;
  unitName: string;
  admittedAt: string;
}

/** A removal from the bloc, kept as history. */
export interface BlocRemoval {
  unitId: string;
  unitName: string;
  reason: string;
  removedAt: string;
}

/** One hand-over of the rotating chair flag: the chair of `termYear` onwards, until the next one. */
export interface FlagTerm {
  fromUnitId: string | null;
  toUnitId: string;
  termYear: number;
  decisionRef?: string;
  transferredAt: string;
}

/** The deputy chair elected for one term year (the latest election for that year). */
export interface DeputyTerm {
  unitId: string;
  termYear: number;
  electedAt: string;
}

/** A bloc that exists. */
export interface EstablishedBloc {
  established: true;
  blocId: string;
  name: string;
  authority: string;
  establishedAt: string;
  /** Current members, in order of admission. */
  members: BlocMember[];
  /** Every removal, in stream order. */
  removals: BlocRemoval[];
  /**
   * Every unit ever admitted, in order of first admission. A pledge can only
   * be signed by a member, so these are the only units a campaign of this
   * bloc can have pledges from, even after a removal.
   */
  knownUnitIds: string[];
  /** Flag hand-overs in stream order; `decide` keeps their term years strictly increasing. */
  flag: FlagTerm[];
  /** One entry per term year (a re-election replaces it), in order of term year. */
  deputies: DeputyTerm[];
}

/** The state of a bloc stream: nothing yet, or an established bloc. */
export type BlocState = { established: false } | EstablishedBloc;

/** The state before the first event. */
export const initialBlocState: BlocState = { established: false };

/** The current member with this unit id, if any. */
export function memberOf(bloc: BlocState, unitId: string): BlocMember | undefined {
  return bloc.established ? bloc.members.find((member) => member.unitId === unitId) : undefined;
}

/** True when the unit is a current member of the bloc. */
export function isMember(bloc: BlocState, unitId: string): boolean {
  return memberOf(bloc, unitId) !== undefined;
}
