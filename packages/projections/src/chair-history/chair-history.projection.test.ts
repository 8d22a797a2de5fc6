import { createInMemoryProjectionStore } from '@thidua/eventsourcing';
import { getChairHistory } from '../readers';
import { createThiduaProjections } from '../thidua-projections';
import { createTestLog, on } from '../thidua-log.test-helper';

describe('chair-history projection', () => {
  it('lists every flag transfer and deputy election of a bloc, with unit names', async () => {
    const log = createTestLog();
    const blocId = 'kt-kt';
    await log.append('BlocEstablished', { blocId, name: 'Khối Kinh tế - Kỹ thuật', authority: 'UBND tỉnh', establishedAt: on('2012-01-01') });
    await log.append('MemberAdmitted', { blocId, unitId: 'so-tttt', unitName: 'Sở Thông tin và Truyền thông', admittedAt: on('2012-01-02') });
    await log.append('MemberAdmitted', { blocId, unitId: 'so-xd', unitName: 'Sở Xây dựng', admittedAt: on('2012-01-02') });
    await log.append('MemberAdmitted', { blocId, unitId: 'vqg', unitName: 'Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát', admittedAt: on('2012-01-02') });
    const first = await log.append('ChairFlagTransferred', { blocId, fromUnitId: null, toUnitId: 'so-tttt', termYear: 2013, transferredAt: on('2013-01-05') });
    await log.append('DeputyChairElected', { blocId, unitId: 'so-xd', termYear: 2013, electedAt: on('2013-01-05') });
    const second = await log.append('ChairFlagTransferred', {
      blocId,
      fromUnitId: 'so-tttt',
      toUnitId: 'so-xd',
      termYear: 2014,
      decisionRef: 'QĐ 05/QĐ-KTKT',
      transferredAt: on('2014-02-13'),
    });
    await log.append('DeputyChairElected', { blocId, unitId: 'vqg', termYear: 2014, electedAt: on('2014-02-13') });

    const projectionStore = createInMemoryProjectionStore();
    await createThiduaProjections({ eventStore: log.eventStore, projectionStore }).catchUp();
    expect(await getChairHistory(projectionStore, { blocId })).toEqual({
      blocId,
      blocName: 'Khối Kinh tế - Kỹ thuật',
      holder: 'so-xd',
      transfers: [
        {
          termYear: 2013,
          fromUnitId: null,
          fromUnitName: null,
          toUnitId: 'so-tttt',
          toUnitName: 'Sở Thông tin và Truyền thông',
          decisionRef: null,
          transferredAt: on('2013-01-05'),
          position: first.position.toString(),
        },
        {
          termYear: 2014,
          fromUnitId: 'so-tttt',
          fromUnitName: 'Sở Thông tin và Truyền thông',
          toUnitId: 'so-xd',
          toUnitName: 'Sở Xây dựng',
          decisionRef: 'QĐ 05/QĐ-KTKT',
          transferredAt: on('2014-02-13'),
          position: second.position.toString(),
        },
      ],
      deputies: [
        { termYear: 2013, unitId: 'so-xd', unitName: 'Sở Xây dựng', electedAt: on('2013-01-05'), position: '6' },
        { termYear: 2014, unitId: 'vqg', unitName: 'Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát', electedAt: on('2014-02-13'), position: '8' },
      ],
    });
    expect(await getChairHistory(projectionStore, { blocId: 'khac' })).toBeNull();
  });
});
