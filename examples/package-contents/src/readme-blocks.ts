import { readFileSync } from 'node:fs';

/** A fenced TypeScript block of a README, with the line its fence is on. */
export interface ReadmeBlock {
  line: number;
  code: string;
}

/** Every ```ts (or ```typescript) block of a Markdown file; a fence written ```ts skip is left out. */
export function typescriptBlocksOf(file: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  let open: { line: number; body: string[] } | null = null;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (open) {
        if (text.startsWith('```')) {
          blocks.push({ line: open.line, code: open.body.join('\n') });
          open = null;
        } else open.body.push(text);
      } else if (/^```(ts|typescript)\s*$/.test(text)) open = { line: index + 1, body: [] };
    });
  return blocks;
}
