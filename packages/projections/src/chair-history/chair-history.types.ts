/** One hand-over of the rotating chair flag (cờ luân lưu khối trưởng). */
export interface ChairTransfer {
  termYear: number;
  /** Previous holder; null for the bloc's first chair. */
  fromUnitId: string | null;
  fromUnitName: string | null;
  toUnitId: string;
  toUnitName: string;
  /** Reference of the decision (quyết định), when one was given. */
  decisionRef: string | null;
  /** Business time of the transfer. */
  transferredAt: string;
  /** Global position of the event (decimal string). */
  position: string;
}

/** One deputy-chair (khối phó) election. */
export interface DeputyElection {
  termYear: number;
  unitId: string;
  unitName: string;
  electedAt: string;
  position: string;
}

/** Read model of `getChairHistory`: who held the flag, and who was deputy, year by year. */
export interface ChairHistory {
  blocId: string;
  blocName: string;
  /** The unit holding the flag now (after the latest transfer), or null before the first one. */
  holder: string | null;
  /** Every transfer, in log order (term years increase). */
  transfers: ChairTransfer[];
  /** Every deputy election, in log order. */
  deputies: DeputyElection[];
}

/** `bloc:<blocId>` — the stored document; names are resolved on read so a transfer before an admission cannot miss one. */
export interface ChairHistoryDoc {
  blocId: string;
  blocName: string;
  /** unitId → unitName of every unit ever admitted. */
  units: Record<string, string>;
  transfers: Omit<ChairTransfer, 'fromUnitName' | 'toUnitName'>[];
  deputies: Omit<DeputyElection, 'unitName'>[];
}
