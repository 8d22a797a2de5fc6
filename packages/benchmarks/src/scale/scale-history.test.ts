import { createInMemoryEventStore } from '@thidua/eventsourcing';
import { createThidua, thiduaRegistry } from '@thidua/domain';
import { parseScale, scaleHistory, ScaleSyntaxError } from './scale-history';

describe('parseScale', () => {
  it('reads <blocs>x<units>x<years>', () => {
    expect(parseScale('40x25x10')).toEqual({ blocs: 40, units: 25, years: 10 });
  });

  it('reads a number of province years (20 blocs of 15 units) spread over up to a decade', () => {
    expect(parseScale('1')).toEqual({ blocs: 20, units: 15, years: 1 });
    expect(parseScale('10')).toEqual({ blocs: 20, units: 15, years: 10 });
    expect(parseScale('100')).toEqual({ blocs: 200, units: 15, years: 10 });
    expect(parseScale('1000')).toEqual({ blocs: 2000, units: 15, years: 10 });
  });

  it.each(['', 'big', '0', '2x1x1', '0x5x1', '1x5x0', '1x5', '1x5x91'])('refuses %j', (text) => {
    expect(() => parseScale(text)).toThrow(ScaleSyntaxError);
  });
});

describe('scaleHistory', () => {
  it('is a history every command of which the domain accepts, one event each, as many as it announces', async () => {
    const history = scaleHistory({ blocs: 2, units: 3, years: 2 });
    const store = createInMemoryEventStore({ registry: thiduaRegistry });
    const thidua = createThidua({ eventStore: store });
    let commands = 0;
    for (const { commands: year } of history.years()) {
      for (const command of year) {
        const outcome = await thidua.execute(command);
        expect(outcome.duplicate).toBe(false);
        commands += 1;
      }
    }
    expect(commands).toBe(history.commandCount);
    expect(await store.headPosition()).toBe(BigInt(history.eventCount));
    await store.close();
  });

  it('generates the same commands on every run of a seed, and others for another seed', () => {
    const first = (seed: number) => [...scaleHistory({ blocs: 1, units: 2, years: 1 }, { seed }).years()][0]!.commands;
    expect(first(1)).toEqual(first(1));
    expect(first(2)).not.toEqual(first(1));
  });

  it('announces a 1000× history (the whole country over a decade) without generating it', () => {
    const history = scaleHistory(parseScale('1000'));
    // Per bloc: establish, 15 admissions, the first flag; per year 1 launch, 15 pledges, open, 405 scores, close; 9 hand-overs.
    expect(history.commandCount).toBe(2000 * (17 + 10 * 423 + 9));
    expect(history.blocIds).toHaveLength(2000);
  });
});
