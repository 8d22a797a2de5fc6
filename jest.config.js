// @ts-check
'use strict';
/*
 * One jest project per workspace package (and one per example), all running on
 * the TypeScript sources through @swc/jest: no build step is needed before
 * `npm test`, and `@thidua/*` imports resolve to `src/` rather than `dist/`.
 *
 * Plain CommonJS rather than jest.config.ts: Node 22 and 24 strip TypeScript
 * types natively and load a .ts config as an ES module (no __dirname), while
 * Node 20 loads it through ts-node as CommonJS; a .js file is read the same
 * way by every supported Node.
 */
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

/** @type {[string, Record<string, unknown>]} */
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

const moduleNameMapper = {
  '^@thidua/example-([a-z0-9-]+)$': '<rootDir>/../../examples/$1/src/index.ts',
  // Subpath entries (`@thidua/eventsourcing/testing`, …) live in `src/<subpath>/index.ts`.
  '^@thidua/([a-z-]+)/([a-z-]+)$': '<rootDir>/../../packages/$1/src/$2/index.ts',
  '^@thidua/([a-z-]+)$': '<rootDir>/../../packages/$1/src/index.ts',
};

/**
 * @param {string} folder
 * @returns {import('jest').Config[]}
 */
function projectsIn(folder) {
  const parent = join(__dirname, folder);
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(parent, entry.name, 'package.json')))
    .map((entry) => ({
      displayName: `${folder.replace(/s$/, '')}:${entry.name}`,
      rootDir: join(parent, entry.name),
      testEnvironment: 'node',
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      transform: { '^.+\\.tsx?$': swc },
      moduleNameMapper,
    }));
}

/** @type {import('jest').Config} */
const config = {
  projects: [...projectsIn('packages'), ...projectsIn('examples')],
  testTimeout: 30_000,
};

module.exports = config;
