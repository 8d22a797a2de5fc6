import { PassThrough } from 'node:stream';
import { createProgressReporter, createStepMeters, everyNth, type ProgressWhen } from './progress';

const progress = (checkpoint: bigint | null, processed: number) => ({ projection: 'standings', processed, checkpoint, head: 200n });

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 120 });
  let output = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { stream, output: () => output };
}

describe('rebuild progress', () => {
  it('draws a bar with rate and ETA on a terminal, then a summary line', () => {
    const { stream, output } = capture(true);
    const reporter = createProgressReporter('rebuild standings', { stream });
    reporter.update(progress(null, 0));
    reporter.update(progress(100n, 100));
    reporter.finish(progress(200n, 200));
    expect(output()).toMatch(/rebuild standings \[[█░]+\] 100% \| 200\/200 \| \d+ events\/s \| ETA /);
    expect(output()).toContain('rebuild standings: done, 200 events applied up to position 200');
  });

  it('writes plain lines when not on a terminal', () => {
    const { stream, output } = capture(false);
    const reporter = createProgressReporter('rebuild standings', { stream });
    reporter.update(progress(null, 0));
    reporter.finish(progress(200n, 200));
    expect(output()).toMatch(/^rebuild standings: 0\/200 \(0%\), \d+ events\/s\n/);
    expect(output()).not.toContain('\x1b[');
    expect(output()).toContain('rebuild standings: done, 200 events applied up to position 200');
  });
});

describe('step meters', () => {
  /** Step meters writing to a captured stream, on a clock the test moves by hand. */
  const metersOn = (isTTY: boolean, when?: ProgressWhen) => {
    const { stream, output } = capture(isTTY);
    let ms = 0;
    const meters = createStepMeters({ stream, now: () => ms, when });
    return { meters, stream, output, advance: (by: number) => void (ms += by) };
  };

  it('stay quiet for a step that ends within a second, then write at most a line a second', () => {
    const { meters, output, advance } = metersOn(false);
    meters.report({ step: 'import: appending', done: 0, total: 10 });
    advance(900);
    meters.report({ step: 'import: appending', done: 5, total: 10 });
    expect(output()).toBe('');
    advance(200);
    meters.report({ step: 'import: appending', done: 6, total: 10 });
    advance(500);
    meters.report({ step: 'import: appending', done: 8, total: 10 });
    meters.finish();
    expect(output()).toBe('import: appending: 6/10 (60%), 5 events/s, ETA 0.7s\n');
  });

  it('start a new meter for each step; bytes are shown in MB', () => {
    const { meters, output } = metersOn(false, 'always');
    meters.report({ step: 'import: validating log.ndjson', unit: 'bytes', done: 1024 * 1024, total: 4 * 1024 * 1024 });
    meters.report({ step: 'import: appending', done: 0, total: 10 });
    meters.finish();
    expect(output()).toBe('import: validating log.ndjson: 1.0/4.0 MB (25%), 0.0 MB/s\nimport: appending: 0/10 (0%), 0 events/s\n');
  });

  it('show nothing, summaries included, under --progress never', () => {
    const { meters, stream, output, advance } = metersOn(true, 'never');
    advance(5_000);
    meters.report({ step: 'export: writing to stdout', done: 1, total: 2 });
    meters.finish();
    const reporter = createProgressReporter('rebuild standings', { stream, when: 'never' });
    reporter.update(progress(100n, 100));
    reporter.finish(progress(200n, 200));
    expect(output()).toBe('');
  });

  it('complete and stop a bar on a terminal when the step ends, with the rate as of the last report', () => {
    const { meters, output, advance } = metersOn(true, 'always');
    meters.report({ step: 'audit verify: hash chains and payloads', done: 0, total: 200 });
    advance(1_000);
    meters.report({ step: 'audit verify: hash chains and payloads', done: 150, total: 200 });
    advance(60_000); // the caller finishes long after its last report
    meters.finish();
    expect(output()).toMatch(/audit verify: hash chains and payloads \[[█░]+\] 100% \| 200\/200 \| 150 events\/s/);
  });

  it('measure the rate from the first count reported, not from zero', () => {
    const { meters, output, advance } = metersOn(false, 'always');
    meters.report({ step: 'catching up the read models, standings', done: 90_000, total: 100_000 });
    advance(2_000);
    meters.report({ step: 'catching up the read models, standings', done: 94_000, total: 100_000 });
    expect(output().split('\n')[1]).toBe('catching up the read models, standings: 94000/100000 (94%), 2000 events/s, ETA 3.0s');
  });

  it('report one item in n, starting with the first', () => {
    const seen: number[] = [];
    const report = everyNth(3, (n: number) => seen.push(n));
    for (let n = 1; n <= 7; n += 1) report(n);
    expect(seen).toEqual([1, 4, 7]);
  });
});
