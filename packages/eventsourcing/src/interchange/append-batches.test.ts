import { AppendTooLargeError } from '../errors/store-limit-errors';
import { appendSizeOf, PER_EVENT_ALLOWANCE, splitAppendBatches } from './append-batches';

type Item = { type: string; data: { text: string }; metadata: { commandId?: string } };

/** An event of `size` bytes by appendSizeOf, of command `commandId` (or of none). */
function item(commandId: string | undefined, size = 1_000): Item {
  const base: Item = { type: 'Noted', data: { text: '' }, metadata: commandId === undefined ? {} : { commandId } };
  return { ...base, data: { text: 'x'.repeat(size - appendSizeOf(base)) } };
}

const limits = (maxBytes: number | undefined, maxEvents = 500) => ({
  streamId: 'notes-1',
  maxEvents,
  maxBytes,
  eventOf: (event: Item) => event,
});

const commandsOf = (batches: Item[][]) => batches.map((batch) => batch.map((event) => event.metadata.commandId ?? '-').join(','));

describe('splitAppendBatches', () => {
  it('measures payload and metadata as UTF-8 JSON, twice the type length, and the per-event allowance', () => {
    const size = appendSizeOf({ type: 'Ab', data: { t: 'é' }, metadata: { k: 1 } });
    // {"t":"é"} is 10 bytes (é takes two), {"k":1} is 7, the type 2 × 2.
    expect(size).toBe(10 + 7 + 4 + PER_EVENT_ALLOWANCE);
  });

  it('fills batches up to the byte limit, never cutting between events of one command', () => {
    const events = [item('a'), item('a'), item('b'), item('c'), item('c'), item('c'), item(undefined)];
    const batches = splitAppendBatches(events, limits(3_500));
    expect(commandsOf(batches)).toEqual(['a,a,b', 'c,c,c', '-']);
    // Nothing lost, nothing reordered.
    expect(batches.flat()).toEqual(events);
  });

  it('keeps the event bound too, again without cutting a command, and gives a bigger command a batch of its own', () => {
    const events = [item('a'), item('b'), item('b'), item('b'), item('c')];
    expect(commandsOf(splitAppendBatches(events, limits(undefined, 2)))).toEqual(['a', 'b,b,b', 'c']);
  });

  it('treats events without a command id as one group each, and the same id further on as another command', () => {
    const events = [item(undefined), item(undefined), item('a'), item('b'), item('a')];
    expect(commandsOf(splitAppendBatches(events, limits(2_000)))).toEqual(['-,-', 'a,b', 'a']);
  });

  it('refuses one command whose events alone exceed the limit, naming the stream, the command, the size and the limit', () => {
    const events = [item('small'), item('big', 3_000), item('big', 3_000)];
    let caught: unknown;
    try {
      splitAppendBatches(events, limits(5_000));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppendTooLargeError);
    expect(caught).toMatchObject({ code: 'append_too_large', streamId: 'notes-1', commandId: 'big', bytes: 6_000, limit: 5_000 });
    expect((caught as Error).message).toContain('command big');
  });

  it('returns no batch for no event, and one batch when there is no byte limit', () => {
    expect(splitAppendBatches([], limits(1_000))).toEqual([]);
    const events = [item('a', 10_000), item('b', 10_000)];
    expect(splitAppendBatches(events, limits(undefined))).toEqual([events]);
  });
});
