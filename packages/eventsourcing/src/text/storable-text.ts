import type { ValidationIssue } from '../errors/errors';

/*
 * Why these two: PostgreSQL's text and jsonb cannot hold U+0000, and a lone
 * surrogate (half of a UTF-16 pair) has no UTF-8 form, so PostgreSQL refuses
 * it and other stores replace it. SQLite and memory keep both. A log must
 * move between stores unchanged, so the kernel refuses them everywhere,
 * before anything is written.
 */

/** `String.prototype.isWellFormed` (ES2024, in every Node ≥ 20), which the compiler's ES2022 library does not declare. */
type WellFormedCheck = { isWellFormed(): boolean };
/** Only to say where, once a string is known to hold one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why `text` cannot be stored by every store, or `null` when it can: the
 * message a schema refinement can show (`contains U+0000 (NUL) at index 3`).
 */
export function unstorableTextProblem(text: string): string | null {
  if (text.includes('\u0000')) return `contains U+0000 (NUL) at index ${text.indexOf('\u0000')}`;
  if ((text as unknown as WellFormedCheck).isWellFormed()) return null;
  const at = text.search(LONE_SURROGATE);
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  return `contains a lone surrogate U+${unit} at index ${at} (half of a UTF-16 pair, which has no UTF-8 form)`;
}

/**
 * True when every store can hold `text`: no U+0000 and no lone surrogate.
 * For schemas, e.g. `z.string().refine(isStorableText, 'contains U+0000 or a lone surrogate')`.
 */
export function isStorableText(text: string): boolean {
  return unstorableTextProblem(text) === null;
}

/**
 * The first string in `value` that not every store can hold (U+0000, a lone
 * surrogate), object keys included, as a validation issue whose `path` names
 * it below `path` (`events.0.data.note`); `null` when there is none. Walks
 * arrays and objects (own enumerable keys); other values hold no text.
 *
 * @example
 * unstorableTextIssue({ note: 'a\u0000b' }, 'data'); // { path: 'data.note', message: 'contains U+0000 (NUL) at index 1', code: 'unstorable_text' }
 */
export function unstorableTextIssue(value: unknown, path: string): ValidationIssue | null {
  const trail: string[] = [];
  const problem = find(value, trail);
  if (problem === null) return null;
  const where = [path, ...trail].filter((part) => part !== '').join('.');
  return { path: where === '' ? '(root)' : where, message: problem, code: 'unstorable_text' };
}

/** Depth-first; `trail` holds the keys down to the offending string (built only on the way back, so a clean value costs no strings). */
function find(value: unknown, trail: string[]): string | null {
  if (typeof value === 'string') return unstorableTextProblem(value);
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const problem = find(value[index] as unknown, trail);
      if (problem !== null) {
        trail.unshift(String(index));
        return problem;
      }
    }
    return null;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const keyProblem = unstorableTextProblem(key);
    if (keyProblem !== null) {
      trail.unshift(JSON.stringify(key));
      return `key ${keyProblem}`;
    }
    const problem = find(record[key], trail);
    if (problem !== null) {
      trail.unshift(key);
      return problem;
    }
  }
  return null;
}
