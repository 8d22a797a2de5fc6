import { CommanderError } from 'commander';
import { isThiduaError } from '@thidua/eventsourcing';
import { ExitCode, UsageError } from './exit-codes';
import { printInfo, describeThiduaError } from './output';
import { asStoreFailure } from './store-failure';

/** True when the command line asks for `--format json`: errors are then printed as JSON too. */
export function wantsJson(args: readonly string[]): boolean {
  return args.some((arg, index) => arg === '--format=json' || (arg === '--format' && args[index + 1] === 'json'));
}

/** The exit code an error that ended a command stands for. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CommanderError || error instanceof UsageError) return ExitCode.usage;
  if (isThiduaError(error, 'store_unavailable')) return ExitCode.storeUnavailable;
  // An anchor or key file the user named that is not one: the command line is what to fix.
  if (isThiduaError(error, 'invalid_anchor') || isThiduaError(error, 'invalid_key')) return ExitCode.usage;
  if (isThiduaError(error)) return ExitCode.refused;
  // Thrown outside withStores, so not named yet: still the store's failure, not a bug.
  return asStoreFailure(error, 'the store') ? ExitCode.storeUnavailable : ExitCode.refused;
}

/**
 * The facts of an error as one JSON object, for machines: `{ error: { code,
 * message, …details }, exitCode }`. `code` is a thidua error's code,
 * `usage` (or a more precise usage code) for a bad command line, and
 * `unexpected` for anything else.
 */
export function errorAsJson(error: unknown): { error: Record<string, unknown>; exitCode: ExitCode } {
  const exitCode = exitCodeOf(error);
  if (isThiduaError(error)) return { error: error.toJSON(), exitCode };
  if (error instanceof CommanderError) return { error: { code: 'usage', message: error.message.replace(/^error: /, '') }, exitCode };
  if (error instanceof UsageError) return { error: { code: error.code, message: error.message }, exitCode };
  const failure = asStoreFailure(error, 'the store');
  if (failure) return { error: failure.toJSON(), exitCode };
  return { error: { code: 'unexpected', message: errorText(error).message }, exitCode };
}

/**
 * Prints an error that ended a command, on stderr: one line (thidua errors
 * never show a stack; others only with `debug`), or with `json` the object
 * of {@link errorAsJson}. Commander has already printed its own usage errors
 * unless told not to.
 */
export function reportError(error: unknown, options: { debug: boolean; json: boolean; printedByCommander: boolean }): void {
  if (options.json) {
    printInfo(JSON.stringify(errorAsJson(error)));
    return;
  }
  if (error instanceof CommanderError) {
    if (!options.printedByCommander) printInfo(error.message);
    return;
  }
  if (error instanceof UsageError) {
    printInfo(`error: ${error.message}`);
    return;
  }
  if (isThiduaError(error)) {
    printInfo(describeThiduaError(error));
    return;
  }
  const failure = asStoreFailure(error, 'the store');
  if (failure) {
    printInfo(describeThiduaError(failure));
    return;
  }
  const { message, stack: trace } = errorText(error);
  const stack = options.debug && trace ? `\n${trace}` : '';
  printInfo(`error: unexpected failure: ${message}${stack}${options.debug ? '' : ' (run with --debug for details)'}`);
}

/**
 * The message and stack of anything thrown. Read by shape, not `instanceof
 * Error`: an error made in another realm (a vm context, a worker) is an
 * error all the same.
 */
export function errorText(error: unknown): { message: string; stack?: string } {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    const { message, stack } = error as { message: string; stack?: unknown };
    return typeof stack === 'string' ? { message, stack } : { message };
  }
  return { message: String(error) };
}
