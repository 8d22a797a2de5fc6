import { blocStream, campaignStream, parsePledgeId, parseStreamId, pledgeIdOf, pledgeStream } from './streams';

describe('streams', () => {
  it('names the three kinds of stream as the domain contract says', () => {
    expect(blocStream('tay-ninh-kinh-te-ky-thuat')).toBe('bloc-tay-ninh-kinh-te-ky-thuat');
    expect(campaignStream('kt-kt-2013')).toBe('campaign-kt-kt-2013');
    expect(pledgeIdOf('kt-kt-2013', 'so-tt-tt')).toBe('kt-kt-2013.so-tt-tt');
    expect(pledgeStream('kt-kt-2013.so-tt-tt')).toBe('pledge-kt-kt-2013.so-tt-tt');
  });
  it('parses stream ids back, unambiguously', () => {
    expect(parseStreamId('bloc-a-b')).toEqual({ kind: 'bloc', blocId: 'a-b' });
    expect(parseStreamId('campaign-bloc-x')).toEqual({ kind: 'campaign', campaignId: 'bloc-x' });
    expect(parseStreamId('pledge-c_1.u-2')).toEqual({ kind: 'pledge', pledgeId: 'c_1.u-2', campaignId: 'c_1', unitId: 'u-2' });
    expect(parsePledgeId('c.u')).toEqual({ campaignId: 'c', unitId: 'u' });
  });
  it.each(['other-x', 'bloc-', 'bloc-a.b', 'pledge-c', 'pledge-c.u.v', 'campaign-a b'])('does not parse %p', (streamId) => {
    expect(parseStreamId(streamId)).toBeNull();
  });
  it.each([
    () => blocStream('a.b'),
    () => campaignStream(''),
    () => pledgeIdOf('c', 'u.v'),
    () => pledgeStream('no-dot'),
    () => blocStream('x'.repeat(101)),
  ])('refuses invalid ids with validation_failed (%#)', (build) => {
    expect(build).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});
