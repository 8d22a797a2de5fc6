import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The files of one format of an export: its declarations and its code. */
export interface ExportFormat {
  types?: string;
  default?: string;
}

/** One `exports` entry: `import` and `require` conditions, or a plain path (`./package.json`). */
export type ExportEntry = string | { import?: ExportFormat; require?: ExportFormat; types?: string; default?: string };

/** The parts of a package.json this check reads. */
export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  keywords?: string[];
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  engines?: { node?: string };
  files?: string[];
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: Record<string, ExportEntry>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** A workspace package that npm would publish (not `private`). */
export interface PublishedPackage {
  /** Absolute folder. */
  dir: string;
  /** Folder relative to the repository root, e.g. `packages/domain`. */
  folder: string;
  manifest: PackageJson;
}

/** Every workspace package under `packages/` and `examples/` that is not private, by folder. */
export function publishedPackages(root: string): PublishedPackage[] {
  return ['packages', 'examples'].flatMap((parent) =>
    readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
      .map((entry) => {
        const dir = join(root, parent, entry.name);
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
        return { dir, folder: relative(root, dir), manifest };
      })
      .filter((pkg) => pkg.manifest.private !== true),
  );
}

/**
 * Why a packed file should not be there, or null when a user needs it:
 * compiled JS (CommonJS `.js`, the ES module entries `.mjs`) and
 * declarations (`.d.ts`, `.d.mts`) under `dist/`, the README, the manifest,
 * the licence, and the declared `bin` scripts. Tests, test helpers,
 * fixtures, test doubles, build info, sources and source maps (which would
 * point at sources that are not shipped) are refused by name.
 */
export function unwantedReason(path: string, manifest: PackageJson): string | null {
  if (/(^|\/)src\//.test(path)) return 'source file';
  if (/\.test\./.test(path)) return 'test';
  if (/\.test-helper\./.test(path)) return 'test helper';
  if (/(^|\/)__fixtures__\//.test(path)) return 'test fixture';
  if (/(^|\/)testing-double\//.test(path)) return 'test double';
  if (/\.tsbuildinfo$/.test(path)) return 'build info';
  if (/\.map$/.test(path)) return 'source map';
  if (path === 'package.json' || path === 'README.md' || path === 'LICENSE') return null;
  if (Object.values(manifest.bin ?? {}).some((bin) => bin.replace(/^\.\//, '') === path)) return null;
  if (/^dist\/.+\.(js|mjs|d\.ts|d\.mts)$/.test(path)) return null;
  return 'not part of what a user runs';
}

/** The files an `exports` entry points at, without `./`. */
export function exportTargets(entry: ExportEntry): string[] {
  if (typeof entry === 'string') return [entry.replace(/^\.\//, '')];
  const formats = [entry.import, entry.require, { types: entry.types, default: entry.default }];
  return formats
    .flatMap((format) => [format?.types, format?.default])
    .filter((target): target is string => target !== undefined)
    .map((target) => target.replace(/^\.\//, ''));
}

/**
 * A JavaScript ES module as CommonJS, the way a CommonJS user writes the same
 * steps: each `import { a, b as c } from 'x'` becomes `const { a, b: c } =
 * require('x')`, and the rest runs in an async function (CommonJS has no
 * top-level await).
 */
export function asCommonJs(esm: string): string {
  const requires: string[] = [];
  const body: string[] = [];
  for (const line of esm.split('\n')) {
    const named = /^import \{([^}]*)\} from (['"][^'"]+['"]);\s*$/.exec(line);
    const whole = /^import \* as (\w+) from (['"][^'"]+['"]);\s*$/.exec(line) ?? /^import (\w+) from (['"][^'"]+['"]);\s*$/.exec(line);
    if (named) {
      const names = named[1]!.split(',').map((name) => name.trim()).filter((name) => name !== '').map((name) => name.replace(/\s+as\s+/, ': '));
      requires.push(`const { ${names.join(', ')} } = require(${named[2]});`);
    } else if (whole) {
      requires.push(`const ${whole[1]} = require(${whole[2]});`);
    } else if (/^import /.test(line)) {
      throw new Error(`asCommonJs: cannot convert ${JSON.stringify(line)}`);
    } else body.push(line);
  }
  return `'use strict';\n${requires.join('\n')}\n(async () => {\n${body.join('\n')}\n})().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`;
}
