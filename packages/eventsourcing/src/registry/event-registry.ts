import type { z } from 'zod';
import type { RecordedEvent } from '../envelope/envelope';
import { unparsedPayloadOf, withPayload } from '../envelope/lazy-json-event';
import { CorruptLogError, ValidationError } from '../errors/errors';
import { issuesFromZod } from '../errors/from-zod';

/** An older schema version and how to lift its payload to the next version. */
export interface EventVersionHistory {
  schema: z.ZodType;
  /** Lifts a payload valid for this version to the shape of version + 1. */
  upcast(data: unknown): unknown;
}

/** One event type: its current schema and version, and the way up from older versions. */
export interface EventDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly type: Type;
  readonly version: number;
  readonly schema: Schema;
  /** Keyed by the old version number; each entry lifts to the next version. */
  readonly history: Readonly<Record<number, EventVersionHistory>>;
}

/**
 * Declares an event type. Bump `version` when the payload changes shape and
 * add the previous schema with its upcaster to `history`.
 *
 * @example
 * const ScoreRecorded = defineEvent('ScoreRecorded', z.object({ pledgeId: z.string(), points: z.number() }));
 */
export function defineEvent<Type extends string, Schema extends z.ZodType>(
  type: Type,
  schema: Schema,
  options: { version?: number; history?: Record<number, EventVersionHistory> } = {},
): EventDefinition<Type, Schema> {
  const version = options.version ?? 1;
  const history = options.history ?? {};
  for (let v = 1; v < version; v += 1) {
    if (!history[v]) throw new Error(`Event ${type} v${version} has no history entry for v${v}`);
  }
  return { type, version, schema, history };
}

/** A payload in a given schema version. */
export interface VersionedPayload {
  schemaVersion: number;
  data: unknown;
}

/**
 * Every event type a log may hold. Stores use it to validate on append and to
 * parse and upcast on read, so that `evolve` sees only current, valid events.
 */
export class EventRegistry {
  private readonly definitions = new Map<string, EventDefinition>();
  /** Payload texts already read and found valid, per type (see `read`). */
  private validated = new Map<string, Map<string, ValidatedPayload>>();
  private validatedCount = 0;

  constructor(definitions: Iterable<EventDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: EventDefinition): this {
    if (this.definitions.has(definition.type)) throw new Error(`Event type ${definition.type} registered twice`);
    this.definitions.set(definition.type, definition);
    return this;
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  /** The definition registered for `type`: lets a caller check that a registry holds its very definitions. */
  definition(type: string): EventDefinition | undefined {
    return this.definitions.get(type);
  }

  types(): string[] {
    return [...this.definitions.keys()];
  }

  currentVersion(type: string): number | undefined {
    return this.definitions.get(type)?.version;
  }

  /**
   * Validates a payload about to be appended against the schema of the
   * version it claims (the current one by default) and returns it parsed.
   * Older versions are stored as they are, not upcast, so that an imported
   * history keeps its bytes and its hashes. Throws `validation_failed`.
   */
  prepareForAppend(type: string, schemaVersion: number | undefined, data: unknown): VersionedPayload {
    const definition = this.definitions.get(type);
    const fail = (reason: string, issues?: { path: string; message: string }[]): never => {
      throw new ValidationError(`Event ${type}: ${reason}`, issues ?? [{ path: 'type', message: reason }]);
    };
    if (!definition) return fail(`unknown event type ${JSON.stringify(type)}`);
    const version = schemaVersion ?? definition.version;
    const schema = version === definition.version ? definition.schema : definition.history[version]?.schema;
    if (!schema) return fail(`unknown schemaVersion ${String(version)} (current is ${definition.version})`);
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      return fail(`invalid v${version} payload: ${describe(issues)}`, issues);
    }
    return { schemaVersion: version, data: parsed.data };
  }

  /**
   * Parses and upcasts an event read from a store. Throws `corrupt_log`
   * naming its stream and revision.
   *
   * A store that hands out payloads as their JSON text (see
   * `recordedFromJsonText`) gets each distinct text validated once: the
   * outcome for the very same bytes, type and version is remembered (as the
   * parsed, upcast payload's JSON) and the next read of them only parses
   * that. Schemas and upcasters are pure functions of the payload, so this
   * is the same answer, not a weaker check: a payload whose bytes changed
   * in the store is another text and is validated again. Bounded: the
   * memory forgets everything past {@link MAX_VALIDATED_PAYLOADS} texts.
   */
  read<E extends RecordedEvent>(event: E): E {
    const text = unparsedPayloadOf(event);
    if (text !== undefined) {
      const known = this.validated.get(event.type)?.get(text);
      if (known !== undefined && known.storedVersion === event.schemaVersion) {
        return withPayload(event, known.schemaVersion, JSON.parse(known.json) as unknown);
      }
    }
    const result = this.lift(event.type, event.schemaVersion, event.data);
    if (!result.ok) {
      throw new CorruptLogError(event.streamId, event.revision, result.reason, {
        position: event.position,
        type: event.type,
        schemaVersion: event.schemaVersion,
        ...(result.issues ? { issues: result.issues } : {}),
      });
    }
    if (text !== undefined) this.remember(event.type, event.schemaVersion, text, result.value);
    if (result.value.schemaVersion === event.schemaVersion && result.value.data === event.data) return event;
    return withPayload(event, result.value.schemaVersion, result.value.data);
  }

  private remember(type: string, storedVersion: number, text: string, value: VersionedPayload): void {
    // Only what JSON gives back exactly (a Date or undefined from a transform would not).
    if (!isPlainJson(value.data)) return;
    if (this.validatedCount >= MAX_VALIDATED_PAYLOADS) {
      this.validated = new Map();
      this.validatedCount = 0;
    }
    let texts = this.validated.get(type);
    if (!texts) this.validated.set(type, (texts = new Map()));
    if (!texts.has(text)) this.validatedCount += 1;
    texts.set(text, { storedVersion, schemaVersion: value.schemaVersion, json: JSON.stringify(value.data) });
  }

  private lift(
    type: string,
    schemaVersion: number | undefined,
    data: unknown,
  ):
    | { ok: true; value: VersionedPayload }
    | { ok: false; reason: string; issues?: { path: string; message: string }[] } {
    const definition = this.definitions.get(type);
    if (!definition) return { ok: false, reason: `unknown event type ${JSON.stringify(type)}` };
    let version = schemaVersion ?? definition.version;
    if (!Number.isInteger(version) || version < 1 || version > definition.version) {
      return { ok: false, reason: `unknown schemaVersion ${String(version)} of ${type} (current is ${definition.version})` };
    }
    let payload = data;
    while (version < definition.version) {
      const step = definition.history[version];
      if (!step) return { ok: false, reason: `no upcaster from ${type} v${version}` };
      const parsed = step.schema.safeParse(payload);
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error);
        return { ok: false, reason: `invalid ${type} v${version} payload: ${describe(issues)}`, issues };
      }
      try {
        payload = step.upcast(parsed.data);
      } catch (error) {
        return { ok: false, reason: `upcaster ${type} v${version} failed: ${error instanceof Error ? error.message : String(error)}` };
      }
      version += 1;
    }
    const parsed = definition.schema.safeParse(payload);
    if (!parsed.success) {
      const issues = issuesFromZod(parsed.error);
      return { ok: false, reason: `invalid ${type} v${version} payload: ${describe(issues)}`, issues };
    }
    return { ok: true, value: { schemaVersion: version, data: parsed.data } };
  }
}

/** Distinct payload texts whose validation `EventRegistry.read` remembers, all types together (a few MB at most). */
export const MAX_VALIDATED_PAYLOADS = 20_000;

/** A payload text found valid: the version it was stored at, and the parsed, upcast payload as JSON. */
interface ValidatedPayload {
  storedVersion: number;
  schemaVersion: number;
  json: string;
}

/** True when `JSON.parse(JSON.stringify(value))` is deeply equal to `value`: plain objects and arrays of finite numbers, strings, booleans and null. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) if (!(i in value) || !isPlainJson(value[i])) return false;
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || !isPlainJson((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function describe(issues: { path: string; message: string }[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/** Builds a registry from event definitions. */
export function createEventRegistry(definitions: Iterable<EventDefinition> = []): EventRegistry {
  return new EventRegistry(definitions);
}
