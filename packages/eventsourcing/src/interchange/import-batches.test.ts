import { appendSizeOf } from './append-size';
import { ImportBatches, type ImportCommand } from './import-batches';

let line = 0;
/** A command of `size` events of `streamId` starting at revision `first`. */
const command = (streamId: string, first: number, size: number): ImportCommand => ({
  streamId,
  first: BigInt(first),
  events: Array.from({ length: size }, (_, i) => ({ type: 'Tested', data: { n: first + i } })),
  lines: Array.from({ length: size }, () => ({ lineNumber: (line += 1), hash: `h${line}` })),
});
/** Each request of a batch as `stream@first+count`. */
const shape = (batch: ReturnType<ImportBatches['end']>) => batch?.map((r) => `${r.streamId}@${r.first}+${r.events.length}`) ?? null;

describe('import batches', () => {
  it('keeps many streams in one batch, in input order, merging consecutive commands of one stream', () => {
    const batches = new ImportBatches({ maxEvents: 100, oneStream: false });
    expect(batches.push(command('a', 0, 2))).toBeNull();
    expect(batches.push(command('a', 2, 1))).toBeNull();
    expect(batches.push(command('b', 0, 3))).toBeNull();
    expect(batches.push(command('a', 3, 1))).toBeNull();
    expect(shape(batches.end())).toEqual(['a@0+3', 'b@0+3', 'a@3+1']);
    expect(batches.end()).toBeNull();
  });

  it('closes a batch before the command that would take it over the limit, never inside a command', () => {
    const batches = new ImportBatches({ maxEvents: 5, oneStream: false });
    expect(batches.push(command('a', 0, 3))).toBeNull();
    // 3 + 3 > 5: the batch closes before this command, which goes whole into the next one.
    expect(shape(batches.push(command('b', 0, 3)))).toEqual(['a@0+3']);
    // A command larger than the limit goes alone, unsplit.
    expect(shape(batches.push(command('c', 0, 8)))).toEqual(['b@0+3']);
    expect(shape(batches.push(command('a', 3, 1)))).toEqual(['c@0+8']);
    expect(shape(batches.end())).toEqual(['a@3+1']);
  });

  it('with oneStream, closes the batch whenever the stream changes', () => {
    const batches = new ImportBatches({ maxEvents: 100, oneStream: true });
    expect(batches.push(command('a', 0, 2))).toBeNull();
    expect(batches.push(command('a', 2, 2))).toBeNull();
    expect(shape(batches.push(command('b', 0, 1)))).toEqual(['a@0+4']);
    expect(shape(batches.push(command('a', 4, 1)))).toEqual(['b@0+1']);
    expect(shape(batches.end())).toEqual(['a@4+1']);
  });

  it('keeps every line with its event, in order', () => {
    const batches = new ImportBatches({ maxEvents: 100, oneStream: false });
    const [one, two] = [command('a', 0, 2), command('a', 2, 2)];
    batches.push(one);
    batches.push(two);
    const [request] = batches.end()!;
    expect(request!.lines).toEqual([...one.lines, ...two.lines]);
    expect(request!.events.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
  });

  describe('under a byte limit per append (a store that declares maxAppendBytes)', () => {
    /** A command of `size` events of 1 000 bytes each by appendSizeOf. */
    const sized = (streamId: string, first: number, size: number, bytes = 1_000): ImportCommand => {
      const base = { type: 'Noted', data: { text: '' } };
      const text = 'x'.repeat(bytes - appendSizeOf(base));
      return {
        streamId,
        first: BigInt(first),
        events: Array.from({ length: size }, () => ({ type: 'Noted', data: { text } })),
        lines: Array.from({ length: size }, () => ({ lineNumber: (line += 1), hash: `h${line}` })),
      };
    };

    it('fills batches up to the byte limit, never cutting a command, and loses or reorders nothing', () => {
      const batches = new ImportBatches({ maxEvents: 500, oneStream: true, maxBytes: 3_500 });
      const [a, b, c, d] = [sized('s', 0, 2), sized('s', 2, 1), sized('s', 3, 3), sized('s', 6, 1)];
      expect(batches.push(a)).toBeNull();
      expect(batches.push(b)).toBeNull();
      // 3 000 + 3 000 > 3 500: the batch closes before the three-event command, which goes whole.
      const first = batches.push(c);
      expect(shape(first)).toEqual(['s@0+3']);
      const second = batches.push(d);
      expect(shape(second)).toEqual(['s@3+3']);
      const third = batches.end();
      expect(shape(third)).toEqual(['s@6+1']);
      expect([first, second, third].flatMap((batch) => batch!.flatMap((request) => request.lines))).toEqual([a, b, c, d].flatMap((x) => x.lines));
    });

    it('keeps the event bound too, whichever comes first', () => {
      const batches = new ImportBatches({ maxEvents: 2, oneStream: true, maxBytes: 100_000 });
      expect(batches.push(sized('s', 0, 1))).toBeNull();
      expect(shape(batches.push(sized('s', 1, 3)))).toEqual(['s@0+1']);
      expect(shape(batches.push(sized('s', 4, 1)))).toEqual(['s@1+3']);
    });

    it('holds any number of bytes in one batch when the store declares no limit', () => {
      const batches = new ImportBatches({ maxEvents: 500, oneStream: true });
      expect(batches.push(sized('s', 0, 1, 10_000))).toBeNull();
      expect(batches.push(sized('s', 1, 1, 10_000))).toBeNull();
      expect(shape(batches.end())).toEqual(['s@0+2']);
    });
  });
});
