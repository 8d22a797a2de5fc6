'use strict';
/*
 * Runs a TypeScript file with plain `node`, for tests that need a real child
 * process (killed with SIGKILL, restarted). `.ts` files are compiled on load
 * with @swc/core, and `@thidua/<name>` resolves to the package's sources, as
 * in jest, so no build is needed.
 *
 *   node ts-runner.js <file.ts> [args...]
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const packagesDir = path.resolve(__dirname, '../../..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveThidua(request, ...rest) {
  const match = /^@thidua\/([a-z-]+)(\/testing)?$/.exec(request);
  const mapped = match ? path.join(packagesDir, match[1], 'src', match[2] ? 'testing/index.ts' : 'index.ts') : request;
  return resolveFilename.call(this, mapped, ...rest);
};

Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

const [script] = process.argv.splice(2, 1);
if (!script) {
  console.error('usage: node ts-runner.js <file.ts> [args...]');
  process.exit(2);
}
require(path.resolve(script));
