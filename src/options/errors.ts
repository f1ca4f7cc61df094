import type { z } from 'zod';
import { FailureError, FailureTypes } from '../contract/failures.js';

/**
 * The one error users see for bad options or configuration: it names the field and says what
 * is wrong. Nothing has been started or sent when it is thrown (type InvalidOptions: CLI exit code 2).
 */
export class OptionsError extends FailureError {
  override name = 'OptionsError';
  constructor(
    message: string,
    /** Dotted path of the offending field, e.g. `pollInterval` or `remoteHosts[1].url`. */
    readonly field: string,
    readonly issues: Array<{ field: string; message: string }> = [{ field, message }],
  ) {
    super(message, FailureTypes.InvalidOptions);
  }

  static fromZod(error: z.ZodError, prefix = ''): OptionsError {
    const issues = error.issues.map((i) => ({ field: joinPath(prefix, i.path), message: i.message }));
    const text = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
    return new OptionsError(text, issues[0]?.field ?? prefix, issues);
  }
}

function joinPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
