export { parseNdjsonLine, recordedFromNdjson, toNdjsonLine, type NdjsonEvent, type ParsedNdjsonLine } from './ndjson';
export { payloadProblem } from './payload-check';
export { ndjsonFileLines, ndjsonTextLines, type NdjsonLine, type NdjsonLines } from './ndjson-lines';
export {
  planImport,
  type BadImportLine,
  type ImportPlan,
  type ImportProgress,
  type ImportStreamPlan,
  type PlanImportOptions,
} from './plan-import';
export { applyImport, type ApplyImportOptions, type ImportResult } from './apply-import';
export { appendSizeOf, PER_EVENT_ALLOWANCE } from './append-size';
