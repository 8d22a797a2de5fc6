/**
 * The bloc decider (khối thi đua): membership, the rotating chair flag and
 * the deputy chair. A bloc command needs no other stream: every rule reads
 * the bloc's own state.
 */
import { assertNever, NotFoundError, RuleViolationError, type Decider } from '@thidua/eventsourcing';
import { produce } from 'immer';
import { unhandledEvent } from '../exhaustive';
import { assertCouncil, assertCouncilOrChair, chairForYear, currentFlagHolder, deputyForYear } from '../roles';
import { RULES } from '../rules';
import type { BlocCommand } from './bloc.commands';
import type { BlocEvent } from './bloc.events';
import { initialBlocState, isMember, type BlocState, type EstablishedBloc } from './bloc.state';

function requireBloc(state: BlocState, blocId: string): EstablishedBloc {
  if (!state.established) throw new NotFoundError(`Bloc ${blocId} does not exist; establish it first`, { blocId });
  return state;
}

/** Holds every bloc rule; throws typed errors, emits nothing on rejection. */
export function decideBloc(command: BlocCommand, state: BlocState): BlocEvent[] {
  const { actor } = command;
  switch (command.command) {
    case 'EstablishBloc': {
      const data = command.data;
      assertCouncil(actor, `establish bloc ${data.blocId}`);
      if (state.established) {
        throw new RuleViolationError(RULES.blocAlreadyEstablished, `Bloc ${data.blocId} is already established`, { blocId: data.blocId });
      }
      return [{ type: 'BlocEstablished', data: { blocId: data.blocId, name: data.name, authority: data.authority, establishedAt: data.establishedAt } }];
    }
    case 'AdmitMember': {
      const data = command.data;
      requireBloc(state, data.blocId);
      assertCouncil(actor, `admit ${data.unitId} to bloc ${data.blocId}`);
      if (isMember(state, data.unitId)) {
        throw new RuleViolationError(RULES.memberAlreadyAdmitted, `Unit ${data.unitId} is already a member of bloc ${data.blocId}`, { unitId: data.unitId });
      }
      return [{ type: 'MemberAdmitted', data: { blocId: data.blocId, unitId: data.unitId, unitName: data.unitName, admittedAt: data.admittedAt } }];
    }
    case 'RemoveMember': {
      const data = command.data;
      const bloc = requireBloc(state, data.blocId);
      assertCouncil(actor, `remove ${data.unitId} from bloc ${data.blocId}`);
      if (!isMember(bloc, data.unitId)) {
        throw new RuleViolationError(RULES.memberNotMember, `Unit ${data.unitId} is not a member of bloc ${data.blocId}`, { unitId: data.unitId });
      }
      const holder = currentFlagHolder(bloc.flag);
      if (holder?.toUnitId === data.unitId) {
        throw new RuleViolationError(
          RULES.memberIsFlagHolder,
          `Unit ${data.unitId} holds the chair flag (term ${holder.termYear}) and cannot be removed; hand the flag on first`,
          { unitId: data.unitId, termYear: holder.termYear },
        );
      }
      return [{ type: 'MemberRemoved', data: { blocId: data.blocId, unitId: data.unitId, reason: data.reason, removedAt: data.removedAt } }];
    }
    case 'TransferChairFlag': {
      const data = command.data;
      const bloc = requireBloc(state, data.blocId);
      const holder = currentFlagHolder(bloc.flag);
      // The flag moves only from its current holder: a chair actor must be that
      // holder. This is the transfer rule itself, so it is a rule violation
      // (flag.not_holder), not a mere role refusal.
      if (actor.role === 'chair' && actor.unitId !== undefined && actor.unitId !== holder?.toUnitId) {
        throw new RuleViolationError(
          RULES.flagNotHolder,
          holder
            ? `The flag moves only from its holder: ${holder.toUnitId} holds it (term ${holder.termYear}), not ${actor.unitId}`
            : `No unit holds the flag of bloc ${data.blocId} yet; the council hands out the first one`,
          { holderUnitId: holder?.toUnitId ?? null, actorUnitId: actor.unitId },
        );
      }
      assertCouncilOrChair(actor, holder?.toUnitId ?? null, `transfer the chair flag of bloc ${data.blocId}`);
      if (!isMember(bloc, data.toUnitId)) {
        throw new RuleViolationError(RULES.chairNotMember, `Unit ${data.toUnitId} is not a member of bloc ${data.blocId}; the chair must be a current member`, {
          unitId: data.toUnitId,
        });
      }
      if (holder && data.termYear <= holder.termYear) {
        throw new RuleViolationError(
          RULES.flagTermNotLater,
          `The flag can only move to a later term: ${holder.toUnitId} holds it for ${holder.termYear}, so termYear must be after ${holder.termYear} (got ${data.termYear})`,
          { termYear: data.termYear, currentTermYear: holder.termYear },
        );
      }
      if (deputyForYear(bloc.deputies, data.termYear) === data.toUnitId) {
        throw new RuleViolationError(RULES.deputyIsChair, `Unit ${data.toUnitId} is the deputy chair for ${data.termYear} and cannot also be its chair`, {
          unitId: data.toUnitId,
          termYear: data.termYear,
        });
      }
      return [
        {
          type: 'ChairFlagTransferred',
          data: {
            blocId: data.blocId,
            fromUnitId: holder?.toUnitId ?? null,
            toUnitId: data.toUnitId,
            termYear: data.termYear,
            ...(data.decisionRef !== undefined ? { decisionRef: data.decisionRef } : {}),
            transferredAt: data.transferredAt,
          },
        },
      ];
    }
    case 'ElectDeputyChair': {
      const data = command.data;
      const bloc = requireBloc(state, data.blocId);
      assertCouncilOrChair(actor, currentFlagHolder(bloc.flag)?.toUnitId ?? null, `record the deputy chair of bloc ${data.blocId}`);
      if (!isMember(bloc, data.unitId)) {
        throw new RuleViolationError(RULES.deputyNotMember, `Unit ${data.unitId} is not a member of bloc ${data.blocId}; the deputy must be a current member`, {
          unitId: data.unitId,
        });
      }
      if (chairForYear(bloc.flag, data.termYear) === data.unitId) {
        throw new RuleViolationError(RULES.deputyIsChair, `Unit ${data.unitId} holds the chair flag for ${data.termYear} and cannot also be its deputy`, {
          unitId: data.unitId,
          termYear: data.termYear,
        });
      }
      return [{ type: 'DeputyChairElected', data: { blocId: data.blocId, unitId: data.unitId, termYear: data.termYear, electedAt: data.electedAt } }];
    }
    default:
      return assertNever(command, 'bloc command');
  }
}

/** Folds one bloc event; total, holds no rule, never throws. */
export function evolveBloc(state: BlocState, event: BlocEvent): BlocState {
  switch (event.type) {
    case 'BlocEstablished':
      return {
        established: true,
        blocId: event.data.blocId,
        name: event.data.name,
        authority: event.data.authority,
        establishedAt: event.data.establishedAt,
        members: [],
        removals: [],
        knownUnitIds: [],
        flag: [],
        deputies: [],
      };
    case 'MemberAdmitted': {
      // Most of a bloc's events, folded at every command that loads the bloc: a plain copy, as immer's
      // produce (with its deep freeze of the whole state) cost more than the rest of loading it.
      if (!state.established) return state;
      const { unitId, unitName, admittedAt } = event.data;
      const members = state.members.filter((member) => member.unitId !== unitId);
      members.push({ unitId, unitName, admittedAt });
      const knownUnitIds = state.knownUnitIds.includes(unitId) ? state.knownUnitIds : [...state.knownUnitIds, unitId];
      return { ...state, members, knownUnitIds };
    }
    case 'MemberRemoved':
      return produce(state, (draft) => {
        if (!draft.established) return;
        const { unitId, reason, removedAt } = event.data;
        const unitName = draft.members.find((member) => member.unitId === unitId)?.unitName ?? unitId;
        draft.members = draft.members.filter((member) => member.unitId !== unitId);
        draft.removals.push({ unitId, unitName, reason, removedAt });
      });
    case 'ChairFlagTransferred':
      return produce(state, (draft) => {
        if (!draft.established) return;
        const { fromUnitId, toUnitId, termYear, decisionRef, transferredAt } = event.data;
        draft.flag.push({ fromUnitId, toUnitId, termYear, ...(decisionRef !== undefined ? { decisionRef } : {}), transferredAt });
      });
    case 'DeputyChairElected':
      return produce(state, (draft) => {
        if (!draft.established) return;
        const { unitId, termYear, electedAt } = event.data;
        draft.deputies = draft.deputies.filter((term) => term.termYear !== termYear);
        draft.deputies.push({ unitId, termYear, electedAt });
        draft.deputies.sort((a, b) => a.termYear - b.termYear);
      });
    default:
      return unhandledEvent(event, state);
  }
}

/** The bloc decider: `{ initialState, decide, evolve }`. */
export const blocDecider: Decider<BlocCommand, BlocEvent, BlocState> = {
  initialState: () => initialBlocState,
  decide: (command, state) => decideBloc(command, state),
  evolve: evolveBloc,
};
