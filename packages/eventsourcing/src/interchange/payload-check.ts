import { canonicalJson } from '../hash-chain/canonical-json';
import type { EventRegistry } from '../registry/event-registry';
import { unstorableTextIssue } from '../text/storable-text';

/**
 * Why an imported payload cannot be appended exactly as written: text not
 * every store can hold (U+0000, a lone surrogate), a payload the registry
 * refuses, or one it would store differently from the file (unknown or
 * defaulted members, which would change its hash); `null` when it can.
 */
export function payloadProblem(registry: EventRegistry, type: string, schemaVersion: number, data: unknown): string | null {
  const text = unstorableTextIssue(data, 'data');
  if (text) return `text not every store can hold at ${text.path}: ${text.message}`;
  let prepared: { data: unknown };
  try {
    prepared = registry.prepareForAppend(type, schemaVersion, data);
  } catch (error) {
    return `payload refused by the registry: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (canonicalJson(prepared.data) !== canonicalJson(data)) {
    return `the ${type} v${schemaVersion} schema would store this payload differently (unknown or defaulted members), so its hash would not survive`;
  }
  return null;
}
