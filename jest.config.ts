import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from 'jest';

/*
 * One jest project per workspace package (and one per example), all running on
 * the TypeScript sources through @swc/jest: no build step is needed before
 * `npm test`, and `@thidua/*` imports resolve to `src/` rather than `dist/`.
 */
const swc: [string, Record<string, unknown>] = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

const moduleNameMapper = {
  '^@thidua/example-([a-z0-9-]+)$': '<rootDir>/../../examples/$1/src/index.ts',
  // Subpath entries (`@thidua/eventsourcing/testing`, …) live in `src/<subpath>/index.ts`.
  '^@thidua/([a-z-]+)/([a-z-]+)$': '<rootDir>/../../packages/$1/src/$2/index.ts',
  '^@thidua/([a-z-]+)$': '<rootDir>/../../packages/$1/src/index.ts',
};

function projectsIn(folder: string): Config['projects'] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, 'package.json')))
    .map((entry) => ({
      displayName: `${folder.replace(/s$/, '')}:${entry.name}`,
      rootDir: join(__dirname, folder, entry.name),
      testEnvironment: 'node',
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      transform: { '^.+\\.tsx?$': swc },
      moduleNameMapper,
    }));
}

const config: Config = {
  projects: [...(projectsIn('packages') ?? []), ...(projectsIn('examples') ?? [])],
  testTimeout: 30_000,
};

export default config;
