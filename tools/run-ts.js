'use strict';
/*
 * Runs a TypeScript file in a plain `node` child process, for the store tests
 * that need real processes (killed with SIGKILL, restarted, several replicas):
 * `node tools/run-ts.js <file.ts> [args…]`. Compiles .ts on require with
 * @swc/core (as jest does) and resolves `@thidua/<name>` to that package's
 * `src/`, so no build is needed. Test-only: no package ships it.
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const packagesDir = path.resolve(__dirname, '../packages');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveThidua(request, ...rest) {
  // `@thidua/<package>` is src/index.ts; a subpath `@thidua/<package>/<entry>` is src/<entry>/index.ts.
  const match = /^@thidua\/([a-z-]+)(?:\/([a-z-]+))?$/.exec(request);
  const target = match ? path.join(packagesDir, match[1], 'src', match[2] ? `${match[2]}/index.ts` : 'index.ts') : request;
  return resolveFilename.call(this, target, ...rest);
};

// require.extensions is deprecated but still the one synchronous CommonJS hook Node 20 offers.
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node run-ts.js <file.ts> [args…]\n');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(script), ...args];
require(path.resolve(script));
