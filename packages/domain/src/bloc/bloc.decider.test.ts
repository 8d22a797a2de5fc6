import { fold } from '@thidua/eventsourcing';
import { deciderSpec } from '@thidua/eventsourcing/testing';
import {
  at,
  auditor,
  BLOC,
  blocEstablished,
  blocHistory,
  chairActor,
  cmd,
  council,
  CT,
  deputyElected,
  flagTransferred,
  memberActor,
  memberAdmitted,
  memberRemoved,
  NN,
  OUTSIDER,
  stranger,
  TT,
  VQG,
  XD,
} from '../fixtures.test-helper';
import { chairForYear, deputyForYear } from '../roles';
import { RULES } from '../rules';
import { blocDecider } from './bloc.decider';
import type { BlocEvent } from './bloc.events';

const spec = deciderSpec(blocDecider);

const establish = (actor = council) =>
  cmd('EstablishBloc', actor, { blocId: BLOC, name: 'Khối Thi đua Kinh tế - Kỹ thuật', authority: 'UBND tỉnh Tây Ninh', establishedAt: at('2013-01-02') });
const admit = (unitId: string, actor = council) => cmd('AdmitMember', actor, { blocId: BLOC, unitId, unitName: `Đơn vị ${unitId}`, admittedAt: at('2013-01-03') });
const remove = (unitId: string, actor = council) => cmd('RemoveMember', actor, { blocId: BLOC, unitId, reason: 'Sáp nhập', removedAt: at('2013-06-01') });
const transfer = (toUnitId: string, termYear: number, actor = council, decisionRef?: string) =>
  cmd('TransferChairFlag', actor, { blocId: BLOC, toUnitId, termYear, transferredAt: at('2014-02-13'), ...(decisionRef ? { decisionRef } : {}) });
const elect = (unitId: string, termYear: number, actor = council) => cmd('ElectDeputyChair', actor, { blocId: BLOC, unitId, termYear, electedAt: at('2014-02-13') });

describe('bloc decider', () => {
  describe('EstablishBloc', () => {
    it('given no bloc, when the council establishes it, then BlocEstablished', () => {
      spec.given([]).when(establish()).then([blocEstablished()]);
    });
    it('rejects a second establishment (bloc.already_established)', () => {
      spec.given([blocEstablished()]).when(establish()).thenThrows('rule_violated', RULES.blocAlreadyEstablished);
    });
    it.each([
      ['a chair', chairActor(TT)],
      ['a member', memberActor(NN)],
      ['an auditor', auditor],
      ['an unknown role', stranger],
    ])('forbids %s to establish a bloc', (_who, actor) => {
      spec.given([]).when(establish(actor)).thenThrows('forbidden');
    });
  });

  describe('AdmitMember', () => {
    it('admits a unit', () => {
      spec.given([blocEstablished()]).when(admit(NN)).then([memberAdmitted(NN)]);
    });
    it('re-admits a unit removed earlier', () => {
      spec.given([blocEstablished(), memberAdmitted(NN), memberRemoved(NN)]).when(admit(NN)).then([memberAdmitted(NN)]);
    });
    it('is not_found when the bloc does not exist', () => {
      spec.given([]).when(admit(NN)).thenThrows('not_found');
    });
    it('rejects a current member (member.already_admitted)', () => {
      spec.given([blocEstablished(), memberAdmitted(NN)]).when(admit(NN)).thenThrows('rule_violated', RULES.memberAlreadyAdmitted);
    });
    it.each([['the chair', chairActor(TT)], ['a member', memberActor(NN)], ['an auditor', auditor]])('forbids %s to admit', (_who, actor) => {
      spec.given(blocHistory()).when(admit(OUTSIDER, actor)).thenThrows('forbidden');
    });
  });

  describe('RemoveMember', () => {
    it('removes a member', () => {
      spec.given(blocHistory()).when(remove(NN)).then([memberRemoved(NN)]);
    });
    it('rejects a unit that is not a member (member.not_member)', () => {
      spec.given(blocHistory()).when(remove(OUTSIDER)).thenThrows('rule_violated', RULES.memberNotMember);
    });
    it('rejects removing the flag holder (member.is_flag_holder)', () => {
      spec.given(blocHistory()).when(remove(TT)).thenThrows('rule_violated', RULES.memberIsFlagHolder);
    });
    it('is not_found when the bloc does not exist', () => {
      spec.given([]).when(remove(NN)).thenThrows('not_found');
    });
    it('forbids the chair to remove members', () => {
      spec.given(blocHistory()).when(remove(NN, chairActor(TT))).thenThrows('forbidden');
    });
  });

  describe('TransferChairFlag', () => {
    const members: BlocEvent[] = [blocEstablished(), memberAdmitted(TT), memberAdmitted(XD), memberAdmitted(VQG)];

    it('given no holder, the council hands out the first flag (fromUnitId null)', () => {
      spec.given(members).when(transfer(TT, 2013)).then([flagTransferred(null, TT, 2013, at('2014-02-13'))]);
    });
    it('the holder hands the flag on, with its decision reference; fromUnitId is derived', () => {
      spec
        .given([...members, flagTransferred(null, TT, 2013)])
        .when(transfer(XD, 2014, chairActor(TT), 'QĐ 01/QĐ-KTKT'))
        .then([
          {
            type: 'ChairFlagTransferred',
            data: { blocId: BLOC, fromUnitId: TT, toUnitId: XD, termYear: 2014, decisionRef: 'QĐ 01/QĐ-KTKT', transferredAt: at('2014-02-13') },
          },
        ]);
    });
    it('rejects a chair who does not hold the flag (flag.not_holder)', () => {
      spec.given([...members, flagTransferred(null, TT, 2013)]).when(transfer(VQG, 2014, chairActor(XD))).thenThrows('rule_violated', RULES.flagNotHolder);
    });
    it('rejects a chair handing out a flag nobody holds yet (flag.not_holder)', () => {
      spec.given(members).when(transfer(XD, 2013, chairActor(TT))).thenThrows('rule_violated', RULES.flagNotHolder);
    });
    it.each([2013, 2012])('rejects a term year that is not later than the holder’s (%i) (flag.term_not_later)', (termYear) => {
      spec.given([...members, flagTransferred(null, TT, 2013)]).when(transfer(XD, termYear)).thenThrows('rule_violated', RULES.flagTermNotLater);
    });
    it('rejects a recipient that is not a current member (chair.not_member)', () => {
      spec.given([...members, memberRemoved(VQG)]).when(transfer(VQG, 2013)).thenThrows('rule_violated', RULES.chairNotMember);
    });
    it('rejects a recipient that is the deputy of that term (deputy.is_chair)', () => {
      spec.given([...members, flagTransferred(null, TT, 2013), deputyElected(VQG, 2014)]).when(transfer(VQG, 2014)).thenThrows('rule_violated', RULES.deputyIsChair);
    });
    it('is not_found when the bloc does not exist', () => {
      spec.given([]).when(transfer(TT, 2013)).thenThrows('not_found');
    });
    it.each([['a member', memberActor(TT)], ['an auditor', auditor], ['an unknown role', stranger]])('forbids %s to transfer the flag', (_who, actor) => {
      spec.given([...members, flagTransferred(null, TT, 2013)]).when(transfer(XD, 2014, actor)).thenThrows('forbidden');
    });
    it('forbids a chair actor without a unit', () => {
      spec.given([...members, flagTransferred(null, TT, 2013)]).when(transfer(XD, 2014, { id: 'x', role: 'chair' })).thenThrows('forbidden');
    });
  });

  describe('ElectDeputyChair', () => {
    const history: BlocEvent[] = [blocEstablished(), memberAdmitted(TT), memberAdmitted(XD), memberAdmitted(VQG), flagTransferred(null, TT, 2013)];

    it('the flag holder records the deputy for the next term', () => {
      spec.given(history).when(elect(VQG, 2014, chairActor(TT))).then([deputyElected(VQG, 2014, at('2014-02-13'))]);
    });
    it('the council may record it too', () => {
      spec.given(history).when(elect(VQG, 2014)).then([deputyElected(VQG, 2014, at('2014-02-13'))]);
    });
    it('rejects a unit that is not a current member (deputy.not_member)', () => {
      spec.given(history).when(elect(OUTSIDER, 2014)).thenThrows('rule_violated', RULES.deputyNotMember);
    });
    it('rejects the chair of that term (deputy.is_chair)', () => {
      spec.given([...history, flagTransferred(TT, XD, 2014)]).when(elect(XD, 2014)).thenThrows('rule_violated', RULES.deputyIsChair);
    });
    it('rejects the holder for a later term it still holds, no transfer naming it yet (deputy.is_chair)', () => {
      spec.given(history).when(elect(TT, 2014)).thenThrows('rule_violated', RULES.deputyIsChair);
    });
    it('forbids a chair actor who does not hold the flag', () => {
      spec.given(history).when(elect(VQG, 2014, chairActor(XD))).thenThrows('forbidden');
    });
    it.each([['a member', memberActor(VQG)], ['an auditor', auditor]])('forbids %s', (_who, actor) => {
      spec.given(history).when(elect(VQG, 2014, actor)).thenThrows('forbidden');
    });
    it('is not_found when the bloc does not exist', () => {
      spec.given([]).when(elect(VQG, 2014)).thenThrows('not_found');
    });
  });

  describe('evolve', () => {
    it('keeps the holder for years no transfer names, and deputies per exact term', () => {
      const state = fold(blocDecider, [
        ...blocHistory(),
        deputyElected(CT, 2013),
        flagTransferred(TT, XD, 2015),
        deputyElected(NN, 2014),
        deputyElected(VQG, 2014),
      ]);
      if (!state.established) throw new Error('expected an established bloc');
      expect(chairForYear(state.flag, 2012)).toBeNull();
      expect(chairForYear(state.flag, 2013)).toBe(TT);
      expect(chairForYear(state.flag, 2014)).toBe(TT);
      expect(chairForYear(state.flag, 2015)).toBe(XD);
      expect(chairForYear(state.flag, 2030)).toBe(XD);
      expect(deputyForYear(state.deputies, 2013)).toBe(CT);
      expect(deputyForYear(state.deputies, 2014)).toBe(VQG);
      expect(deputyForYear(state.deputies, 2015)).toBeNull();
      expect(state.deputies).toHaveLength(2);
    });
    it('moves a removed unit out of the members but keeps it among the known units', () => {
      const state = fold(blocDecider, [...blocHistory(), memberRemoved(NN)]);
      if (!state.established) throw new Error('expected an established bloc');
      expect(state.members.map((m) => m.unitId)).not.toContain(NN);
      expect(state.knownUnitIds).toContain(NN);
      expect(state.removals).toEqual([{ unitId: NN, unitName: `Đơn vị ${NN}`, reason: 'Sáp nhập', removedAt: at('2013-06-01') }]);
    });
    it('ignores events before BlocEstablished instead of throwing', () => {
      expect(fold(blocDecider, [memberAdmitted(NN)])).toEqual({ established: false });
    });
  });
});
