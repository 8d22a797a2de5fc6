import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from '@swc/core';
import { typescriptBlocksOf } from './readme-blocks';
import { exportTargets, publishedPackages, unwantedReason } from './workspace-packages';

const run = promisify(execFile);

/*
 * What a user gets from `npm install @thidua/<pkg>`: each published package is
 * packed with npm itself, unpacked into a scratch `node_modules`, and loaded
 * from there, so a file left out of `files` (or one that should have been)
 * shows up here rather than in a user's backend. Needs the packages built
 * (`npx tsc -b`), as CI does before the tests.
 */
const root = resolve(__dirname, '../../..');
const packages = publishedPackages(root);
/*
 * The user's project: a fresh folder under this package's node_modules (git-ignored, and unique per run so
 * that two test runs in one checkout never share it); third-party dependencies resolve upwards from here
 * to the root's node_modules, while @thidua/* resolve to the unpacked tarballs.
 */
let scratch = '';
let installed = '';

/** Loads one export specifier from CommonJS and from ESM, and reports where it resolved and which names each sees. */
const LOAD_SCRIPT = `
const spec = process.argv[2];
const fromRequire = require(spec);
import(spec).then((fromImport) => {
  process.stdout.write(JSON.stringify({
    resolved: require.resolve(spec),
    requireNames: Object.keys(fromRequire).sort(),
    // 'default' is the whole module.exports, '__esModule' the interop marker: neither is a named export.
    importNames: Object.keys(fromImport).filter((name) => name !== 'default' && name !== '__esModule').sort(),
  }));
}, (error) => { console.error(error); process.exit(1); });
`;

describe('published packages, as npm packs them', () => {
  const packedFiles = new Map<string, string[]>();

  beforeAll(async () => {
    const unbuilt = packages.filter((pkg) => !existsSync(join(pkg.dir, 'dist', 'index.js')));
    if (unbuilt.length > 0) throw new Error(`Build the packages first (npx tsc -b): no dist/index.js in ${unbuilt.map((p) => p.folder).join(', ')}`);
    mkdirSync(join(__dirname, '..', 'node_modules'), { recursive: true });
    scratch = mkdtempSync(join(__dirname, '..', 'node_modules', '.thidua-packed-'));
    installed = join(scratch, 'node_modules');
    mkdirSync(installed);
    writeFileSync(join(scratch, 'load.cjs'), LOAD_SCRIPT);
    await Promise.all(
      packages.map(async ({ dir, manifest }) => {
        // --ignore-scripts: what is checked is the package as it stands, not what a prepack step would make of it.
        const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: dir });
        const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
        packedFiles.set(manifest.name, info.files.map((file) => file.path).sort());
        const target = join(installed, ...manifest.name.split('/'));
        mkdirSync(target, { recursive: true });
        await run('tar', ['-xzf', join(scratch, info.filename), '-C', target, '--strip-components=1']);
      }),
    );
  }, 180_000);

  afterAll(() => {
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });

  it('covers every package a user installs', () => {
    expect(packages.map((pkg) => pkg.manifest.name).sort()).toEqual(
      expect.arrayContaining([
        '@thidua/cli',
        '@thidua/domain',
        '@thidua/eventsourcing',
        '@thidua/example-tay-ninh-2013',
        '@thidua/projections',
        '@thidua/store-eventstoredb',
        '@thidua/store-postgres',
        '@thidua/store-sqlite',
      ]),
    );
  });

  describe.each(packages.map((pkg) => [pkg.manifest.name, pkg] as const))('%s', (name, pkg) => {
    const { manifest, folder } = pkg;

    it('has the metadata a registry page shows', () => {
      expect(manifest.description).toEqual(expect.stringMatching(/\S.{20,}/));
      expect(manifest.keywords).toEqual(expect.arrayContaining([expect.any(String)]));
      expect(manifest.license).toBe('MIT');
      expect(manifest.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//), directory: folder.split(sep).join('/') });
      expect(manifest.engines?.node).toBe('>=20');
      expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'README.md']));
      expect(manifest.main).toBe('./dist/index.js');
      expect(manifest.types).toBe('./dist/index.d.ts');
      expect(manifest.exports?.['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    });

    it('packs only what a user needs: dist JS, declarations and maps, README, package.json (and its bin)', () => {
      const files = packedFiles.get(name)!;
      const unwanted = files.map((path) => [path, unwantedReason(path, manifest)]).filter(([, reason]) => reason !== null);
      expect(unwanted).toEqual([]);
      const needed = [
        'package.json',
        'README.md',
        ...Object.values(manifest.bin ?? {}).map((bin) => bin.replace(/^\.\//, '')),
        ...Object.values(manifest.exports ?? {}).flatMap(exportTargets),
      ];
      expect(files).toEqual(expect.arrayContaining(needed));
    });

    it.each(Object.keys(manifest.exports ?? {}).filter((subpath) => subpath !== './package.json'))(
      'loads export %s from require() and import(), from the unpacked tarball',
      async (subpath) => {
        const spec = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
        const { stdout } = await run(process.execPath, [join(scratch, 'load.cjs'), spec], { cwd: scratch, timeout: 60_000 });
        const loaded = JSON.parse(stdout) as { resolved: string; requireNames: string[]; importNames: string[] };
        expect(loaded.resolved.startsWith(installed + sep)).toBe(true);
        expect(loaded.requireNames.length).toBeGreaterThan(0);
        // ESM sees the same named exports as CommonJS (Node's static detection of the compiled exports).
        expect(loaded.importNames).toEqual(loaded.requireNames);
      },
    );
  });

  /*
   * Each package's README example runs as an ES module in a user's project
   * whose node_modules holds the unpacked tarballs: the README shows what
   * works after `npm install`, nothing else.
   */
  const readmeBlocks = packages.flatMap(({ dir, folder }) =>
    existsSync(join(dir, 'README.md')) ? typescriptBlocksOf(join(dir, 'README.md')).map((block) => [`${folder}/README.md:${block.line}`, block.code] as const) : [],
  );

  it.each(readmeBlocks)('%s runs against the installed packages', async (name, code) => {
    const { code: js } = transformSync(code, {
      filename: 'readme.ts',
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    const file = join(scratch, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.mjs`);
    writeFileSync(file, js);
    const { stdout } = await run(process.execPath, [file], { cwd: scratch, timeout: 60_000 });
    expect(typeof stdout).toBe('string');
  });

  it('runs the thidua bin from the unpacked tarballs (the demo on the in-memory store)', async () => {
    const bin = join(installed, '@thidua', 'cli', 'bin', 'thidua.js');
    const { stdout } = await run(process.execPath, [bin, '--store', 'memory:', 'demo'], { cwd: scratch, timeout: 60_000 });
    expect(stdout).toContain('Sở Nông nghiệp và Phát triển nông thôn');
  });
});
