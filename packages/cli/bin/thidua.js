#!/usr/bin/env node
'use strict';
// The committed entry point npm links as `thidua`. The program itself is
// compiled TypeScript in ../dist (built by `tsc -b`, the root `prepare` script).
const { main } = require('../dist/main.js');

// `thidua export | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (error) => {
  if (error && error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
