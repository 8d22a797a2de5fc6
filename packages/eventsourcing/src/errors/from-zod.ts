import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors';

/** Flattens zod issues into `path: message` pairs a person can act on. */
export function issuesFromZod(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
    code: issue.code,
  }));
}

/** Parses `input` or throws a {@link ValidationError} whose message lists every issue. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error);
  throw new ValidationError(
    `Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
    { cause: result.error },
  );
}
