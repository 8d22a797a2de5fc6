import type { EventMetadata, RecordedEvent } from './envelope';

/*
 * Why accessors defined from shared descriptors on a class instance with
 * private fields: an object literal with getters (closures per event) costs
 * more to build than parsing the JSON would; a getter on the prototype is
 * fast but not an own property, so a spread, Object.keys or a deep equality
 * would not see the field. Private fields are invisible to all of those.
 */
let DATA: PropertyDescriptor;
let METADATA: PropertyDescriptor;

/** A recorded event whose payload and metadata are parsed from their JSON text on first access. */
class LazyJsonEvent {
  // Declared only: class fields would be defined before the constructor runs, out of the envelope's key order.
  declare readonly id: string;
  declare readonly streamId: string;
  declare readonly revision: bigint;
  declare readonly position: bigint;
  declare readonly type: string;
  declare readonly schemaVersion: number;
  declare data: unknown;
  declare metadata: EventMetadata;
  declare readonly recordedAt: string;
  #dataText: string | undefined;
  #data: unknown;
  #metadataText: string;
  #metadata: EventMetadata | undefined;

  static {
    DATA = {
      get(this: LazyJsonEvent): unknown {
        if (this.#dataText !== undefined) {
          this.#data = JSON.parse(this.#dataText) as unknown;
          this.#dataText = undefined;
        }
        return this.#data;
      },
      set(this: LazyJsonEvent, value: unknown) {
        this.#dataText = undefined;
        this.#data = value;
      },
      enumerable: true,
      configurable: true,
    };
    METADATA = {
      get(this: LazyJsonEvent): EventMetadata {
        return (this.#metadata ??= JSON.parse(this.#metadataText) as EventMetadata);
      },
      set(this: LazyJsonEvent, value: EventMetadata) {
        this.#metadata = value;
      },
      enumerable: true,
      configurable: true,
    };
  }

  constructor(fields: Omit<RecordedEvent, 'data' | 'metadata'>, data: { text: string } | { value: unknown }, metadataText: string, metadata: EventMetadata | undefined) {
    this.id = fields.id;
    this.streamId = fields.streamId;
    this.revision = fields.revision;
    this.position = fields.position;
    this.type = fields.type;
    this.schemaVersion = fields.schemaVersion;
    Object.defineProperty(this, 'data', DATA);
    Object.defineProperty(this, 'metadata', METADATA);
    this.recordedAt = fields.recordedAt;
    if ('text' in data) this.#dataText = data.text;
    else this.#data = data.value;
    this.#metadataText = metadataText;
    this.#metadata = metadata;
  }

  /** The payload's JSON text as the store returned it, while nobody has parsed it. */
  unparsedData(): string | undefined {
    return this.#dataText;
  }

  /** The same event with another payload, its metadata still lazy (or already parsed). */
  withPayload(schemaVersion: number, data: unknown): LazyJsonEvent {
    const { id, streamId, revision, position, type, recordedAt } = this;
    return new LazyJsonEvent({ id, streamId, revision, position, type, schemaVersion, recordedAt }, { value: data }, this.#metadataText, this.#metadata);
  }
}

/**
 * A recorded event whose payload and metadata are kept as the JSON texts the
 * store read, each parsed on first access. Folding a stream never looks at
 * metadata, and decoding it was about half the client-side cost of a
 * PostgreSQL stream read; the payload's text lets the registry recognise a
 * payload it has already validated (`EventRegistry.read`). Whoever reads a
 * field gets the same value as before, parsed once. Both are own enumerable
 * properties, so spreading, `Object.keys`, `JSON.stringify` and deep
 * equality see them like any other field.
 */
export function recordedFromJsonText(fields: Omit<RecordedEvent, 'data' | 'metadata'>, dataText: string, metadataText: string): RecordedEvent {
  return new LazyJsonEvent(fields, { text: dataText }, metadataText, undefined);
}

/** The payload's JSON text of an event made by {@link recordedFromJsonText} that nobody has parsed yet, else `undefined`. */
export function unparsedPayloadOf(event: RecordedEvent): string | undefined {
  return event instanceof LazyJsonEvent ? event.unparsedData() : undefined;
}

/**
 * `event` with another payload (parsed or upcast by the registry), keeping
 * its metadata lazy when it was (see {@link recordedFromJsonText}), where a
 * spread would decode it for every event.
 */
export function withPayload<E extends RecordedEvent>(event: E, schemaVersion: number, data: unknown): E {
  if (event instanceof LazyJsonEvent) return event.withPayload(schemaVersion, data) as unknown as E;
  return { ...event, schemaVersion, data };
}
