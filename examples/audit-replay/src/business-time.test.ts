import { THIDUA_EVENT_TYPES } from '@thidua/domain';
import type { RecordedEvent } from '@thidua/eventsourcing';
import { BUSINESS_TIME_FIELD, businessTimeOf, isWithin, parseAsOf } from './business-time';

describe('as of a business date', () => {
  it('reads a day as the end of that calendar day in each event’s own offset', () => {
    const day = parseAsOf('2014-02-01');
    expect(day).toEqual({ kind: 'day', day: '2014-02-01' });
    expect(isWithin('2014-02-01T23:30:00+07:00', day)).toBe(true);
    // 23:00 UTC on the 1st, but the 2nd in Tây Ninh, where it happened.
    expect(isWithin('2014-02-02T06:00:00+07:00', day)).toBe(false);
    expect(isWithin('2014-01-31T20:00:00-05:00', day)).toBe(true);
  });

  it('reads an instant with offset as that instant, whatever the offset of the event', () => {
    const instant = parseAsOf('2014-02-13T09:00:00+07:00');
    expect(instant).toMatchObject({ kind: 'instant', epochMs: Date.parse('2014-02-13T02:00:00Z') });
    expect(isWithin('2014-02-13T08:59:59+07:00', instant)).toBe(true);
    expect(isWithin('2014-02-13T02:00:00Z', instant)).toBe(true);
    expect(isWithin('2014-02-13T02:00:01Z', instant)).toBe(false);
  });

  it('refuses impossible dates, local times without offset and other shapes', () => {
    for (const text of ['2014-02-30', '2014-13-01', '2014-02-13T09:00:00', '13/02/2014', '', 'yesterday']) {
      expect(() => parseAsOf(text)).toThrow(expect.objectContaining({ code: 'validation_failed', issues: [expect.objectContaining({ path: 'asOf' })] }));
    }
  });

  it('knows the business-time field of every thidua event type', () => {
    expect(Object.keys(BUSINESS_TIME_FIELD).sort()).toEqual([...THIDUA_EVENT_TYPES].sort());
    const event = { type: 'ScoringOpened', data: { campaignId: 'c', at: '2013-12-02T08:00:00+07:00' } } as unknown as RecordedEvent;
    expect(businessTimeOf(event)).toBe('2013-12-02T08:00:00+07:00');
    expect(() => businessTimeOf({ ...event, type: 'Unknown' })).toThrow('has no business time');
  });
});
