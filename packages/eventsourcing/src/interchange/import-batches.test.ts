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
});
