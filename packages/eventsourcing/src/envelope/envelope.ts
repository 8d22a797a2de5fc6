/** Who issued a command. `unitId` is set for unit-bound roles (chair, member). */
export interface Actor {
  id: string;
  role: string;
  unitId?: string;
}

/**
 * Metadata stored with every event. `prevHash`/`hash` form the per-stream
 * chain (see `hash-chain/`); other keys are free extras kept verbatim.
 */
export interface EventMetadata {
  commandId?: string;
  correlationId?: string;
  causationId?: string;
  actor?: Actor;
  prevHash: string | null;
  hash: string;
  [extra: string]: unknown;
}

/** An event as the caller hands it to `appendToStream`. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  /** uuid; derived from the command id by the command handler, random otherwise. */
  id?: string;
  type: Type;
  /** Defaults to the registry's current version for the type, or 1 without a registry. */
  schemaVersion?: number;
  data: Data;
  /** Anything but `prevHash`/`hash`, which the kernel computes. */
  metadata?: Record<string, unknown>;
}

/**
 * A recorded event. `revision` counts from `0n` within the stream; `position`
 * is the store-wide order (strictly increasing along `readAll`); `recordedAt`
 * is the store's clock at append, as an ISO-8601 UTC string.
 */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  streamId: string;
  revision: bigint;
  position: bigint;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: string;
}
