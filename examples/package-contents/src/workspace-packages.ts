import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The parts of a package.json this check reads. */
export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  keywords?: string[];
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  files?: string[];
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: Record<string, string | { types?: string; default?: string }>;
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
 * compiled JS, declarations and their maps under `dist/`, the README, the
 * manifest, a licence, and the declared `bin` scripts. Tests, test helpers,
 * fixtures, test doubles, build info and sources are refused by name.
 */
export function unwantedReason(path: string, manifest: PackageJson): string | null {
  if (/(^|\/)src\//.test(path)) return 'source file';
  if (/\.test\./.test(path)) return 'test';
  if (/\.test-helper\./.test(path)) return 'test helper';
  if (/(^|\/)__fixtures__\//.test(path)) return 'test fixture';
  if (/(^|\/)testing-double\//.test(path)) return 'test double';
  if (/\.tsbuildinfo$/.test(path)) return 'build info';
  if (path === 'package.json' || path === 'README.md' || /^LICEN[CS]E(\.md|\.txt)?$/.test(path)) return null;
  if (Object.values(manifest.bin ?? {}).some((bin) => bin.replace(/^\.\//, '') === path)) return null;
  if (/^dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)$/.test(path)) return null;
  return 'not part of what a user runs';
}

/** The files an `exports` entry points at, without `./`. */
export function exportTargets(entry: string | { types?: string; default?: string }): string[] {
  const targets = typeof entry === 'string' ? [entry] : [entry.types, entry.default].filter((t): t is string => t !== undefined);
  return targets.map((target) => target.replace(/^\.\//, ''));
}
