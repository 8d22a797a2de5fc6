'use strict';
/*
 * Runs a TypeScript file in a plain `node` child process, for the store tests
 * that need real processes (killed with SIGKILL, restarted, several replicas):
 * `node tools/run-ts.js <file.ts> [args…]`. Compiles .ts on require with
 * @swc/core (as jest does) and resolves `@thidua/<name>` to that package's
 * `src/`, so no build is needed. Test-only: no package ships it.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');

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
  module._compile(compiled(filename, fs.readFileSync(filename, 'utf8')), filename);
};

/*
 * Compiled output is kept on disk, keyed by the file's path and content (and
 * the compiler's version), so the many short-lived children a test starts do
 * not each compile the same sources again: that was most of their start-up.
 * A stale entry can never be used, since a changed file has another key.
 */
const swcVersion = require('@swc/core/package.json').version;
const cacheDir = path.join(os.tmpdir(), `thidua-run-ts-${swcVersion}`);
function compiled(filename, source) {
  const key = crypto.createHash('sha1').update(`${filename}\0${source}`).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not compiled yet: compile below.
  }
  // Loaded on the first miss only: the native compiler is itself a good part of a start-up.
  const { code } = require('@swc/core').transformSync(source, {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  try {
    // Written aside and renamed, so a child starting at the same moment never reads half a file.
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
  } catch {
    // A cache that cannot be written only costs the next child a compile.
  }
  return code;
}

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node run-ts.js <file.ts> [args…]\n');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(script), ...args];
require(path.resolve(script));
