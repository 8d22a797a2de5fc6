import { readFileSync } from 'node:fs';

/** A fenced TypeScript block of a Markdown file, with the line it starts on. */
export interface CodeBlock {
  file: string;
  line: number;
  code: string;
}

/** Every ```ts block of a Markdown file, unless its fence says `ts skip`. */
export function typescriptBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let current: { line: number; body: string[] } | null = null;
  lines.forEach((text, index) => {
    if (current) {
      if (text.startsWith('```')) {
        blocks.push({ file, line: current.line, code: current.body.join('\n') });
        current = null;
      } else current.body.push(text);
    } else if (/^```(ts|typescript)\s*$/.test(text)) current = { line: index + 1, body: [] };
  });
  return blocks;
}
