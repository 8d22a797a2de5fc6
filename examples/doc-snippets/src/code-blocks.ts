import { readFileSync } from 'node:fs';

/** A fenced code block of a Markdown file, with the line its fence is on. */
export interface CodeBlock {
  file: string;
  line: number;
  /** The fence's language: `ts`, `js`, … */
  language: string;
  code: string;
}

/**
 * Every fenced block of a Markdown file in one of `languages` (`ts` also
 * matches `typescript`, `js` also `javascript`); a fence written ```ts skip
 * is left out.
 */
export function codeBlocks(file: string, languages: readonly string[] = ['ts']): CodeBlock[] {
  const aliases: Record<string, string> = { typescript: 'ts', javascript: 'js' };
  const blocks: CodeBlock[] = [];
  let current: { line: number; language: string; body: string[] } | null = null;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (current) {
        if (text.startsWith('```')) {
          blocks.push({ file, line: current.line, language: current.language, code: current.body.join('\n') });
          current = null;
        } else current.body.push(text);
        return;
      }
      const fence = /^```([a-z]+)\s*$/.exec(text);
      const language = fence ? (aliases[fence[1]!] ?? fence[1]!) : null;
      if (language !== null && languages.includes(language)) current = { line: index + 1, language, body: [] };
    });
  return blocks;
}
