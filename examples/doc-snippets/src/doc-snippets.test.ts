import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { transformSync } from '@swc/core';
import { codeBlocks } from './code-blocks';

/*
 * Documentation is part of the product: each TypeScript block runs here as an
 * ES module against the built packages (`npm ci` builds them), which also
 * proves that the CommonJS packages load from ESM backends.
 */
const root = resolve(__dirname, '../../..');
const documents = ['README.md', 'docs/getting-started.md'].map((f) => join(root, f)).filter(existsSync);
const blocks = documents.flatMap((file) => codeBlocks(file, ['ts']));

describe('documentation code blocks', () => {
  let dir: string;
  beforeAll(() => {
    // Inside the repository so that `@thidua/*` resolves through node_modules.
    dir = mkdtempSync(join(__dirname, '..', '.snippets-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the README example', () => {
    expect(blocks.some((b) => b.file.endsWith('README.md'))).toBe(true);
  });

  it.each(blocks.map((b) => [`${b.file.slice(root.length + 1)}:${b.line}`, b] as const))('%s runs', (_name, block) => {
    const { code } = transformSync(block.code, {
      filename: 'snippet.ts',
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    const file = join(dir, `snippet-${block.line}.mjs`);
    writeFileSync(file, code);
    const output = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(typeof output).toBe('string');
  });
});
