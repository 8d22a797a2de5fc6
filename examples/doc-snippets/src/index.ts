// The fenced code blocks of a Markdown file: what the documentation tests run.
export { codeBlocks, type CodeBlock } from './code-blocks';
