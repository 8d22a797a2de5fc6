/**
 * A province-scale history as commands: `B` blocs of `U` units over `Y`
 * years, shaped like the Tây Ninh 2013 case of the domain's demo (one bloc
 * of five units, the covenant's 9 criteria): every year each bloc launches
 * its campaign, every unit signs its pledge and is scored on the 9 criteria
 * three times (self, cross, verified), scoring closes and the chair flag
 * passes to the next unit. Everything derives from the sizes and a seed.
 */
import { pledgeIdOf, type ThiduaCommand } from '@thidua/domain';
import { CRITERIA } from '@thidua/domain/demo';
import type { Actor } from '@thidua/eventsourcing';
import { createRandom, deterministicUuid } from '../workload';

/** Blocs × units per bloc × years. */
export interface ScaleSize {
  blocs: number;
  units: number;
  years: number;
}

/**
 * A province's year: about twenty blocs and clusters of some fifteen units
 * each (the demo's bloc is one of a province's), one year, about 8 500 events.
 * 1 000 of them are roughly the whole country (63 provinces) over a decade.
 */
export const PROVINCE_YEAR: ScaleSize = { blocs: 20, units: 15, years: 1 };

/** Years a `--scale <n>` history spans at most: a decade, as "the whole country over a decade" is 1 000 province-years. */
const MAX_YEARS = 10;

/** A refused `--scale` value. */
export class ScaleSyntaxError extends Error {
  override readonly name = 'ScaleSyntaxError';
}

/**
 * Parses `--scale`: `<B>x<U>x<Y>` (e.g. `40x25x10`), or `<n>`, n province
 * years of {@link PROVINCE_YEAR}, spread over up to ten years (`10` →
 * 20 × 15 × 10, `100` → 200 × 15 × 10, `1000` → 2 000 × 15 × 10).
 */
export function parseScale(text: string): ScaleSize {
  const explicit = /^(\d+)x(\d+)x(\d+)$/i.exec(text.trim());
  if (explicit) {
    const [blocs, units, years] = explicit.slice(1).map(Number) as [number, number, number];
    if (blocs < 1 || units < 2 || years < 1) throw new ScaleSyntaxError(`--scale ${text}: needs at least 1 bloc, 2 units (a chair and a member) and 1 year`);
    if (years > 90) throw new ScaleSyntaxError(`--scale ${text}: at most 90 years`);
    return { blocs, units, years };
  }
  if (/^\d+$/.test(text.trim())) {
    const n = Number(text.trim());
    if (n < 1) throw new ScaleSyntaxError('--scale needs a positive number of province years');
    const years = Math.min(n, MAX_YEARS);
    return { blocs: Math.ceil(n / years) * PROVINCE_YEAR.blocs, units: PROVINCE_YEAR.units, years };
  }
  throw new ScaleSyntaxError(`--scale takes <blocs>x<units>x<years> (e.g. 40x25x10) or a number of province years (10, 100, 1000); got ${JSON.stringify(text)}`);
}

/** `1x5x10`. */
export function describeScale(size: ScaleSize): string {
  return `${size.blocs}x${size.units}x${size.years}`;
}

/** Commands of one year for all blocs, and what they will append. */
export interface ScaleYear {
  year: number;
  commands: ThiduaCommand[];
}

/** The whole history, generated year by year so a 1000× history is never held at once. */
export interface ScaleHistory {
  size: ScaleSize;
  firstYear: number;
  /** Commands in the history (known without generating it). */
  commandCount: number;
  /** Events those commands append (each command appends one). */
  eventCount: number;
  /** Bloc ids, e.g. `khoi-0001`. */
  blocIds: readonly string[];
  years(): Iterable<ScaleYear>;
}

const ASSESSORS = ['self', 'cross', 'verified'] as const;
const COUNCIL: Actor = { id: 'hdtdkt-tinh', role: 'council' };

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const at = (year: number, month: number, day: number, minute = 0) =>
  `${year}-${pad(month, 2)}-${pad(day, 2)}T${pad(8 + Math.floor(minute / 60), 2)}:${pad(minute % 60, 2)}:00+07:00`;

/** Commands per bloc: its setup once, then each year's campaign. */
function commandsPerBloc(size: ScaleSize): number {
  const setup = 1 + size.units + 1; // EstablishBloc, AdmitMember × U, the first TransferChairFlag
  const perYear = 1 + size.units + 1 + size.units * CRITERIA.length * ASSESSORS.length + 1; // launch, sign × U, open, scores, close
  const transfers = size.years - 1; // the flag passes on at the end of every year but the last
  return setup + perYear * size.years + transfers;
}

/**
 * The history of `size` from `firstYear` (default 2013), with command ids
 * drawn from `seed`: two runs generate the same commands.
 */
export function scaleHistory(size: ScaleSize, options: { firstYear?: number; seed?: number } = {}): ScaleHistory {
  const firstYear = options.firstYear ?? 2013;
  const seed = options.seed ?? 1;
  const blocIds = Array.from({ length: size.blocs }, (_, b) => `khoi-${pad(b + 1, 4)}`);
  const unitsOf = (blocId: string) => Array.from({ length: size.units }, (_, u) => `${blocId}-don-vi-${pad(u + 1, 3)}`);
  const commandCount = commandsPerBloc(size) * size.blocs;
  return {
    size,
    firstYear,
    commandCount,
    eventCount: commandCount,
    blocIds,
    *years() {
      const random = createRandom(seed);
      const id = () => deterministicUuid(random);
      for (let y = 0; y < size.years; y += 1) {
        const year = firstYear + y;
        const commands: ThiduaCommand[] = [];
        const add = (command: Omit<ThiduaCommand, 'commandId'>) => commands.push({ ...command, commandId: id() } as ThiduaCommand);
        for (const [b, blocId] of blocIds.entries()) {
          const units = unitsOf(blocId);
          const chairOf = (k: number) => units[k % units.length]!;
          const chairUnit = chairOf(y);
          const chair: Actor = { id: `tdkt-${chairUnit}`, role: 'chair', unitId: chairUnit };
          if (y === 0) {
            add({ command: 'EstablishBloc', actor: COUNCIL, data: { blocId, name: `Khối thi đua số ${b + 1}`, authority: 'Hội đồng Thi đua – Khen thưởng tỉnh', establishedAt: at(year, 1, 2) } });
            units.forEach((unitId, u) => add({ command: 'AdmitMember', actor: COUNCIL, data: { blocId, unitId, unitName: `Đơn vị ${b + 1}.${u + 1}`, admittedAt: at(year, 1, 2, 30) } }));
            add({ command: 'TransferChairFlag', actor: COUNCIL, data: { blocId, toUnitId: chairUnit, termYear: year, transferredAt: at(year, 1, 2, 60) } });
          }
          const campaignId = `${blocId}-${year}`;
          add({
            command: 'LaunchCampaign',
            actor: chair,
            data: { campaignId, blocId, year, title: `Phong trào thi đua năm ${year} của Khối thi đua số ${b + 1}`, criteria: CRITERIA.map((c) => ({ ...c })), bonusCap: 5, launchedAt: at(year, 2, 20) },
          });
          for (const unitId of units) {
            add({
              command: 'SignPledge',
              actor: { id: `tdkt-${unitId}`, role: 'member', unitId },
              data: { campaignId, unitId, signedBy: `Thủ trưởng ${unitId}`, targets: CRITERIA.map((c) => ({ criterionId: c.criterionId, commitment: `Hoàn thành tốt chỉ tiêu: ${c.title}` })), signedAt: at(year, 3, 5) },
            });
          }
          add({ command: 'OpenScoring', actor: chair, data: { campaignId, at: at(year, 12, 2) } });
          for (const [round, assessor] of ASSESSORS.entries()) {
            for (const unitId of units) {
              const actor: Actor = assessor === 'self' ? { id: `tdkt-${unitId}`, role: 'member', unitId } : chair;
              for (const criterion of CRITERIA) {
                const points = Math.round((7 + random() * 3) * 4) / 4;
                add({ command: 'RecordScore', actor, data: { pledgeId: pledgeIdOf(campaignId, unitId), criterionId: criterion.criterionId, points, assessor, scoredAt: at(year, 12, 10 + round * 5) } });
              }
            }
          }
          add({ command: 'CloseScoring', actor: chair, data: { campaignId, at: at(year, 12, 28) } });
          if (y + 1 < size.years) {
            add({ command: 'TransferChairFlag', actor: chair, data: { blocId, toUnitId: chairOf(y + 1), termYear: year + 1, transferredAt: at(year, 12, 30) } });
          }
        }
        yield { year, commands };
      }
    },
  };
}
