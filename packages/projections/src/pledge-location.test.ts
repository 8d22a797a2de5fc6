import { pledgeLocator } from './pledge-location';

describe('pledgeLocator', () => {
  it('locates a pledge by its campaign document and unit, and remembers the answer', () => {
    const locate = pledgeLocator((campaignId) => `campaign:${campaignId}`);
    const first = locate('ttn-2013.so-tt-tt');
    expect(first).toEqual({ key: 'campaign:ttn-2013', keys: ['campaign:ttn-2013'], unitId: 'so-tt-tt' });
    expect(locate('ttn-2013.so-tt-tt')).toBe(first);
    expect(Object.isFrozen(first.keys)).toBe(true);
  });

  it('refuses an id that is not <campaignId>.<unitId>', () => {
    const locate = pledgeLocator((campaignId) => campaignId);
    for (const bad of ['no-dot', '.unit', 'campaign.', 'a.b.c']) expect(() => locate(bad)).toThrow(/Invalid pledgeId/);
  });
});
