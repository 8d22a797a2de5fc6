import { PassThrough } from 'node:stream';
import { createProgressReporter } from './progress';

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
