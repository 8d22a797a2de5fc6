import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from '@swc/core';
import { codeBlocks } from '@thidua/example-doc-snippets';
import { asCommonJs, exportTargets, publishedPackages, unwantedReason, type PackageJson } from './workspace-packages';

const run = promisify(execFile);

/*
 * What a user gets: each published package is packed with npm itself, and the
 * tarballs are installed with npm into an empty project OUTSIDE the
 * repository (a temporary folder), so nothing resolves through the
 * workspace. There the tarballs' files are checked, every export is loaded
 * from CommonJS and from ESM, the project is type-checked with
 * `skipLibCheck: false`, and the READMEs and docs/getting-started.md run with
 * plain `node`, as ES modules and as CommonJS. Needs the packages built
 * (`npx tsc -b`), as CI does before the tests.
 *
 * No network but the npm registry: third-party packages come from npm's
 * cache where it has them (--prefer-offline). Install scripts are skipped;
 * better-sqlite3's native addon is the one this checkout built for the very
 * same version and this Node (building it again from source would take minutes).
 */
const root = resolve(__dirname, '../../..');
const packages = publishedPackages(root);
const repoVersion = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
/** The lowest zod the packages accept (their peer range's floor): what the user project installs, so the floor is what runs here. */
const ZOD_FLOOR = '4.1.0';
const REPOSITORY = 'git+https://github.com/thidua/thidua.git';
/** Generous: npm installs and type-checks on a loaded machine. Never a measure of speed. */
const SLOW = 15 * 60_000;

let project = '';
let installed = '';
const packedFiles = new Map<string, string[]>();

/** npm in `cwd`, without the workspace's own settings leaking in. */
const npm = (args: string[], cwd: string) => run('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_workspaces: undefined } });

/** Installs tarballs (and registry packages) into `dir`, a new user project. */
async function installInto(dir: string, specs: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'thidua-user', version: '1.0.0', private: true, type: 'module' }));
  await npm(['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', ...specs], dir);
  // This Node's own build: under compiled/<version>/ when CI keeps one per Node (see .ci/run), else build/Release.
  const built = join(root, 'node_modules', 'better-sqlite3');
  const perVersion = join(built, 'compiled', process.versions.node, process.platform, process.arch, 'better_sqlite3.node');
  const addon = existsSync(perVersion) ? perVersion : join(built, 'build', 'Release', 'better_sqlite3.node');
  const target = join(dir, 'node_modules', 'better-sqlite3');
  if (existsSync(target)) {
    expect(repoVersion('better-sqlite3')).toBe((JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { version: string }).version);
    mkdirSync(join(target, 'build', 'Release'), { recursive: true });
    copyFileSync(addon, join(target, 'build', 'Release', 'better_sqlite3.node'));
  }
}

/** Runs `node file` in `cwd`; rejects with its stderr when it fails. */
async function node(file: string, cwd: string): Promise<string> {
  try {
    return (await run(process.execPath, [file], { cwd, timeout: 120_000 })).stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`node ${file} failed:\n${stderr ?? ''}${stdout ?? ''}`);
  }
}

/** TypeScript (a doc block) as a JavaScript ES module, types removed. */
const typescriptToEsm = (code: string) =>
  transformSync(code, { filename: 'block.ts', jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }).code;

const guide = join(root, 'docs', 'getting-started.md');
const guideTs = codeBlocks(guide, ['ts']);
const guideJs = codeBlocks(guide, ['js']);

describe('published packages, installed from their tarballs into a project outside the repository', () => {
  beforeAll(async () => {
    const unbuilt = packages.filter((pkg) => !existsSync(join(pkg.dir, 'dist', 'index.js')));
    if (unbuilt.length > 0) throw new Error(`Build the packages first (npx tsc -b): no dist/index.js in ${unbuilt.map((p) => p.folder).join(', ')}`);
    project = mkdtempSync(join(tmpdir(), 'thidua-user-'));
    installed = join(project, 'node_modules');
    const packs = join(project, 'packs');
    mkdirSync(packs);
    const tarballs: string[] = [];
    for (const { dir, manifest } of packages) {
      // --ignore-scripts: what is checked is the package as it stands, not what a prepack step would make of it.
      const { stdout } = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packs], dir);
      const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
      packedFiles.set(manifest.name, info.files.map((file) => file.path).sort());
      tarballs.push(join(packs, info.filename));
    }
    await installInto(project, [...tarballs, `zod@${ZOD_FLOOR}`, `typescript@${repoVersion('typescript')}`, `@types/node@${repoVersion('@types/node').split('.')[0]}`]);
  }, SLOW);

  afterAll(() => {
    if (project !== '') rmSync(project, { recursive: true, force: true });
  });

  it('covers every package a user installs, and no example', () => {
    expect(packages.map((pkg) => pkg.manifest.name).sort()).toEqual([
      '@thidua/cli',
      '@thidua/domain',
      '@thidua/eventsourcing',
      '@thidua/projections',
      '@thidua/render',
      '@thidua/store-eventstoredb',
      '@thidua/store-postgres',
      '@thidua/store-sqlite',
    ]);
  });

  it('installs outside the repository, with the lowest zod of the peer range', () => {
    expect(project.startsWith(root + sep)).toBe(false);
    expect((JSON.parse(readFileSync(join(installed, 'zod', 'package.json'), 'utf8')) as { version: string }).version).toBe(ZOD_FLOOR);
  });

  describe.each(packages.map((pkg) => [pkg.manifest.name, pkg] as const))('%s', (name, pkg) => {
    const { manifest, folder } = pkg;

    it('has the metadata a registry page shows, and a licence', () => {
      expect(manifest.description).toEqual(expect.stringMatching(/\S.{20,}/));
      expect(manifest.keywords).toEqual(expect.arrayContaining([expect.any(String)]));
      expect(manifest.license).toBe('MIT');
      expect(manifest.repository).toEqual({ type: 'git', url: REPOSITORY, directory: folder.split(sep).join('/') });
      expect(manifest.engines?.node).toBe('^20.0.0 || ^22.0.0');
      expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE']));
      expect(readFileSync(join(pkg.dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
      expect(manifest.main).toBe('./dist/index.js');
      expect(manifest.types).toBe('./dist/index.d.ts');
    });

    it('offers every entry point to import and to require, each with its own types', () => {
      for (const [subpath, entry] of Object.entries(manifest.exports ?? {})) {
        if (subpath === './package.json') continue;
        const base = subpath === '.' ? './dist/index' : `./dist/${subpath.slice(2)}/index`;
        expect([subpath, entry]).toEqual([
          subpath,
          { import: { types: `${base}.d.mts`, default: `${base}.mjs` }, require: { types: `${base}.d.ts`, default: `${base}.js` } },
        ]);
      }
    });

    it('packs only what a user needs: dist code and declarations, README, LICENSE, package.json (and its bin)', () => {
      const files = packedFiles.get(name)!;
      const unwanted = files.map((path) => [path, unwantedReason(path, manifest)]).filter(([, reason]) => reason !== null);
      expect(unwanted).toEqual([]);
      const needed = [
        'package.json',
        'README.md',
        'LICENSE',
        ...Object.values(manifest.bin ?? {}).map((bin) => bin.replace(/^\.\//, '')),
        ...Object.values(manifest.exports ?? {}).flatMap(exportTargets),
      ];
      expect(files).toEqual(expect.arrayContaining(needed));
    });

    it.each(Object.keys(manifest.exports ?? {}).filter((subpath) => subpath !== './package.json'))(
      'loads export %s from require() and import(): the same names, from the CommonJS and the ES module entry',
      async (subpath) => {
        const spec = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
        const script = join(project, `load-${spec.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
        writeFileSync(
          script,
          `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const fromRequire = require(${JSON.stringify(spec)});
const fromImport = await import(${JSON.stringify(spec)});
process.stdout.write(JSON.stringify({
  required: require.resolve(${JSON.stringify(spec)}),
  imported: import.meta.resolve(${JSON.stringify(spec)}),
  requireNames: Object.keys(fromRequire).sort(),
  importNames: Object.keys(fromImport).filter((n) => n !== 'default' && n !== '__esModule').sort(),
  sameObjects: Object.keys(fromRequire).every((n) => fromImport[n] === fromRequire[n]),
}));
`,
        );
        const loaded = JSON.parse(await node(script, project)) as { required: string; imported: string; requireNames: string[]; importNames: string[]; sameObjects: boolean };
        expect(loaded.required.startsWith(installed + sep)).toBe(true);
        expect(loaded.required).toMatch(/\.js$/);
        expect(loaded.imported).toMatch(/\.mjs$/);
        expect(loaded.requireNames.length).toBeGreaterThan(0);
        expect(loaded.importNames).toEqual(loaded.requireNames);
        // One copy of each class and registry, whichever way it is loaded.
        expect(loaded.sameObjects).toBe(true);
      },
    );
  });

  it('type-checks with skipLibCheck false, in ES module and CommonJS files, and refuses a wrong store option', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: false, noEmit: true, types: ['node'] },
        include: ['typed/**/*.mts', 'typed/**/*.cts'],
      }),
    );
    mkdirSync(join(project, 'typed'), { recursive: true });
    guideTs.forEach((block, index) => writeFileSync(join(project, 'typed', `step-${index + 1}.mts`), block.code));
    writeFileSync(
      join(project, 'typed', 'consumer.mts'),
      `import { createPostgresEventStore } from '@thidua/store-postgres';
import { createSqliteEventStore } from '@thidua/store-sqlite';
import { createThidua, thiduaRegistry } from '@thidua/domain';
import { BLOC_ID } from '@thidua/domain/demo';
import { smallCampaign } from '@thidua/domain/testing';
import { planImport, type EventStore } from '@thidua/eventsourcing';
import { main } from '@thidua/cli';

// @ts-expect-error a pool is a pg Pool, not a number: the store's public types come with @types/pg
createPostgresEventStore({ pool: 42 });
// @ts-expect-error a database is a path or a better-sqlite3 Database (typed by @types/better-sqlite3), not a number
createSqliteEventStore({ database: 42 });
const eventStore: EventStore = createSqliteEventStore({ database: ':memory:', registry: thiduaRegistry });
const code: number = await main(['--version']);
console.log(BLOC_ID, smallCampaign('x').blocId, typeof planImport, createThidua({ eventStore }), code);
`,
    );
    writeFileSync(
      join(project, 'typed', 'consumer.cts'),
      `import { createInMemoryEventStore } from '@thidua/eventsourcing';
import { thiduaRegistry, createThidua } from '@thidua/domain';
export const thidua = createThidua({ eventStore: createInMemoryEventStore({ registry: thiduaRegistry }) });
`,
    );
    try {
      await run(process.execPath, [join(installed, 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project });
    } catch (error) {
      throw new Error(`tsc found errors:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
    }
  }, SLOW);

  it('has the guide in TypeScript and JavaScript, step for step', () => {
    expect(guideTs.length).toBeGreaterThanOrEqual(6);
    expect(guideJs.length).toBe(guideTs.length);
  });

  it.each([
    ['ES modules', 'esm', (code: string) => code, 'mjs'],
    ['CommonJS', 'cjs', asCommonJs, 'cjs'],
  ] as const)('runs the getting-started steps with plain node, as %s', async (_label, folder, convert, extension) => {
    const cwd = join(project, folder);
    mkdirSync(cwd, { recursive: true });
    const outputs: string[] = [];
    for (const [index, block] of guideJs.entries()) {
      const file = join(cwd, `step-${index + 1}.${extension}`);
      writeFileSync(file, convert(block.code));
      outputs.push(await node(file, cwd));
    }
    const all = outputs.join('\n');
    expect(all).toContain("'bloc-kt-kt@0 BlocEstablished'");
    expect(all).toContain('rule_violated score.exceeds_max');
    expect(all).toContain("'1* so-xay-dung 19.25', '2* so-tt-tt 18.5'");
    expect(all).toContain("'1* so-tt-tt 20', '2* so-xay-dung 19.25'");
    // The last step cleans up after itself.
    expect(existsSync(join(cwd, 'getting-started.db'))).toBe(false);
  }, SLOW);

  /*
   * Each package's README examples run as ES modules in the user's project:
   * the README shows what works after `npm install`, nothing else.
   */
  const readmeBlocks = packages.flatMap(({ dir, folder }) =>
    existsSync(join(dir, 'README.md')) ? codeBlocks(join(dir, 'README.md'), ['ts', 'js']).map((block) => [`${folder}/README.md:${block.line}`, block] as const) : [],
  );

  it.each(readmeBlocks)('%s runs against the installed packages', async (name, block) => {
    const file = join(project, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.mjs`);
    writeFileSync(file, block.language === 'ts' ? typescriptToEsm(block.code) : block.code);
    expect(typeof (await node(file, project))).toBe('string');
  });

  it('runs the thidua bin from the installed tarballs (the demo on the in-memory store)', async () => {
    const { stdout: demo } = await run(process.execPath, [join(installed, '@thidua', 'cli', 'bin', 'thidua.js'), '--store', 'memory:', 'demo', '--report', join(project, 'report.html')], { cwd: project, timeout: 120_000 });
    expect(demo).toContain('Sở Nông nghiệp và Phát triển nông thôn');
  });

  it('installs the CLI without the PostgreSQL and EventStoreDB drivers, and says what to install when one is needed', async () => {
    // A project of its own, beside the first (inside it, node would find the first one's node_modules).
    const alone = mkdtempSync(join(tmpdir(), 'thidua-cli-alone-'));
    try {
      const cliPackages = ['eventsourcing', 'domain', 'projections', 'render', 'store-sqlite', 'cli'];
      const tarballs = cliPackages.map((short) => {
        const pkg = packages.find((p) => p.manifest.name === `@thidua/${short}`)!;
        return join(project, 'packs', `thidua-${short}-${pkg.manifest.version}.tgz`);
      });
      await installInto(alone, [...tarballs, `zod@${ZOD_FLOOR}`]);
      for (const absent of ['pg', '@grpc/grpc-js', '@eventstore/db-client', '@thidua/store-postgres']) expect([absent, existsSync(join(alone, 'node_modules', absent))]).toEqual([absent, false]);
      const bin = join(alone, 'node_modules', '@thidua', 'cli', 'bin', 'thidua.js');
      const failed = await run(process.execPath, [bin, '--store', 'postgres://localhost/thidua', 'list'], { cwd: alone }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect({ code: failed?.code, stderr: failed?.stderr }).toEqual({
        code: 2,
        stderr: expect.stringContaining('needs the @thidua/store-postgres package, which is not installed: npm install @thidua/store-postgres'),
      });
      // The default store needs nothing more.
      const { stdout } = await run(process.execPath, [bin, '--store', `sqlite:${join(alone, 'x.db')}`, 'demo', '--report', join(alone, 'r.html')], { cwd: alone, timeout: 120_000 });
      expect(stdout).toContain('Sở Nông nghiệp và Phát triển nông thôn');
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  }, SLOW);
});

/** The manifests must declare what the tests above rely on. */
describe('dependencies a user installs', () => {
  const manifest = (name: string): PackageJson => packages.find((pkg) => pkg.manifest.name === name)!.manifest;

  it('zod is a peer of the packages whose public types use it, not a private copy', () => {
    for (const name of ['@thidua/eventsourcing', '@thidua/domain']) {
      expect([name, manifest(name).peerDependencies?.['zod']]).toEqual([name, `^${ZOD_FLOOR}`]);
      expect([name, manifest(name).dependencies?.['zod']]).toEqual([name, undefined]);
    }
  });

  it('the store packages bring the driver types their public types use', () => {
    expect(manifest('@thidua/store-postgres').dependencies).toHaveProperty('@types/pg');
    expect(manifest('@thidua/store-sqlite').dependencies).toHaveProperty('@types/better-sqlite3');
  });

  it('the CLI needs only the default store; PostgreSQL and EventStoreDB (and either EventStoreDB client) are optional peers', () => {
    const cli = manifest('@thidua/cli');
    expect(Object.keys(cli.dependencies ?? {}).filter((dep) => dep.startsWith('@thidua/store-'))).toEqual(['@thidua/store-sqlite']);
    expect(cli.peerDependenciesMeta).toEqual({
      '@eventstore/db-client': { optional: true },
      '@kurrent/kurrentdb-client': { optional: true },
      '@thidua/store-eventstoredb': { optional: true },
      '@thidua/store-postgres': { optional: true },
    });
  });

  it('the EventStoreDB store takes the KurrentDB client as an optional peer', () => {
    expect(manifest('@thidua/store-eventstoredb').peerDependenciesMeta).toEqual({ '@kurrent/kurrentdb-client': { optional: true } });
  });
});
