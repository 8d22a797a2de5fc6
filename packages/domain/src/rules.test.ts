import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from './rules';

/** Guards that keep the rule codes, their tests and their documentation together. */
describe('rule codes', () => {
  const entries = Object.entries(RULES);

  it('are unique, dotted and snake_case', () => {
    expect(new Set(Object.values(RULES)).size).toBe(entries.length);
    for (const [, code] of entries) expect(code).toMatch(/^[a-z]+\.[a-z_]+$/);
  });

  it('are each asserted by a decider test', () => {
    const tests = ['bloc/bloc.decider.test.ts', 'campaign/campaign.decider.test.ts', 'campaign/campaign-v2.decider.test.ts', 'pledge/pledge.decider.test.ts']
      .map((file) => readFileSync(join(__dirname, file), 'utf8'))
      .join('\n');
    expect(entries.filter(([key]) => !tests.includes(`RULES.${key})`)).map(([, code]) => code)).toEqual([]);
  });

  it('are each explained in docs/domain.md', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'domain.md'), 'utf8');
    expect(entries.filter(([, code]) => !doc.includes(`| \`${code}\` |`)).map(([, code]) => code)).toEqual([]);
  });
});
