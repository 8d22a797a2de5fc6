import type { Projection, ProjectionDocuments, RecordedEvent } from '@thidua/eventsourcing';
import { put } from '../records';
import { asThiduaEvent, required, type ThiduaEventType } from '../thidua-event';
import type { ChairHistoryDoc } from './chair-history.types';

/** Name of the chair-flag history projection in the projection store. */
export const CHAIR_HISTORY_PROJECTION = 'chair-history';

/** Document key of a bloc in the chair-history projection. */
export const chairHistoryKey = (blocId: string): string => `bloc:${blocId}`;

const HANDLES = [
  'BlocEstablished',
  'MemberAdmitted',
  'ChairFlagTransferred',
  'DeputyChairElected',
] as const satisfies readonly ThiduaEventType[];

function apply(event: RecordedEvent, docs: ProjectionDocuments<ChairHistoryDoc>): void {
  const e = asThiduaEvent(event);
  switch (e.type) {
    case 'BlocEstablished':
      docs.set(chairHistoryKey(e.data.blocId), { blocId: e.data.blocId, blocName: e.data.name, units: {}, transfers: [], deputies: [] });
      return;
    case 'MemberAdmitted': {
      const doc = required(docs.get(chairHistoryKey(e.data.blocId)), 'Bloc', e.data.blocId);
      put(doc.units, e.data.unitId, e.data.unitName);
      docs.set(chairHistoryKey(e.data.blocId), doc);
      return;
    }
    case 'ChairFlagTransferred': {
      const doc = required(docs.get(chairHistoryKey(e.data.blocId)), 'Bloc', e.data.blocId);
      doc.transfers.push({
        termYear: e.data.termYear,
        fromUnitId: e.data.fromUnitId,
        toUnitId: e.data.toUnitId,
        decisionRef: e.data.decisionRef ?? null,
        transferredAt: e.data.transferredAt,
        position: e.position.toString(),
      });
      docs.set(chairHistoryKey(e.data.blocId), doc);
      return;
    }
    case 'DeputyChairElected': {
      const doc = required(docs.get(chairHistoryKey(e.data.blocId)), 'Bloc', e.data.blocId);
      doc.deputies.push({ termYear: e.data.termYear, unitId: e.data.unitId, electedAt: e.data.electedAt, position: e.position.toString() });
      docs.set(chairHistoryKey(e.data.blocId), doc);
      return;
    }
    default:
      return;
  }
}

/**
 * Chair-flag history per bloc: every transfer of the rotating flag and every
 * deputy election, one document per bloc (`bloc:<blocId>`).
 */
export const chairHistoryProjection: Projection<ChairHistoryDoc> = {
  name: CHAIR_HISTORY_PROJECTION,
  version: 1,
  handles: HANDLES,
  keys: (event) => {
    const e = asThiduaEvent(event);
    return 'blocId' in e.data ? [chairHistoryKey(e.data.blocId)] : [];
  },
  apply,
};
