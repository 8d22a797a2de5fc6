import { canonicalJson } from '../hash-chain/canonical-json';
import type { EventRegistry } from '../registry/event-registry';

/**
 * Why the registry refuses an imported payload, or would store it differently
 * from the file (unknown or defaulted members, which would change its hash);
 * `null` when the payload can be appended exactly as written.
 */
export function payloadProblem(registry: EventRegistry, type: string, schemaVersion: number, data: unknown): string | null {
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
