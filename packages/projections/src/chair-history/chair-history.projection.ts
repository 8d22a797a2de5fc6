import { blocIds, blocKey, thiduaProjection, updateBloc } from '../documents';
import { put } from '../records';
import type { ChairHistoryDoc } from './chair-history.types';

/** Name of the chair-flag history projection in the projection store. */
export const CHAIR_HISTORY_PROJECTION = 'chair-history';

/**
 * Chair-flag history per bloc: every transfer of the rotating flag and every
 * deputy election, one document per bloc (`bloc:<blocId>`).
 */
export const chairHistoryProjection = thiduaProjection<ChairHistoryDoc>({
  name: CHAIR_HISTORY_PROJECTION,
  version: 1,
  on: {
    BlocEstablished: {
      ids: blocIds,
      evolve: (docs, e) => docs.set(blocKey(e.data.blocId), { blocId: e.data.blocId, blocName: e.data.name, units: {}, transfers: [], deputies: [] }),
    },
    MemberAdmitted: { ids: blocIds, evolve: (docs, e) => updateBloc(docs, e, (doc: ChairHistoryDoc) => put(doc.units, e.data.unitId, e.data.unitName)) },
    ChairFlagTransferred: {
      ids: blocIds,
      evolve: (docs, e) =>
        updateBloc(docs, e, (doc: ChairHistoryDoc) =>
          void doc.transfers.push({
            termYear: e.data.termYear,
            fromUnitId: e.data.fromUnitId,
            toUnitId: e.data.toUnitId,
            decisionRef: e.data.decisionRef ?? null,
            transferredAt: e.data.transferredAt,
            position: e.position.toString(),
          }),
        ),
    },
    DeputyChairElected: {
      ids: blocIds,
      evolve: (docs, e) =>
        updateBloc(docs, e, (doc: ChairHistoryDoc) =>
          void doc.deputies.push({ termYear: e.data.termYear, unitId: e.data.unitId, electedAt: e.data.electedAt, position: e.position.toString() }),
        ),
    },
  },
});
