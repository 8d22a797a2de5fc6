// The ES module entry point: the CommonJS build's own exports, so that import and require share one copy of every class
// and registry (no dual-package hazard). Node finds the names statically in the CommonJS output.
export * from './index.js';
