export { parseNdjsonLine, recordedFromNdjson, toNdjsonLine, type NdjsonEvent, type ParsedNdjsonLine } from './ndjson';
export { payloadProblem } from './payload-check';
