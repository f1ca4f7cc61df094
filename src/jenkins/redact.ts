// Kept apart from urls.ts so that errors.ts can use it without an import cycle.

/**
 * Remove the job token value and any user:password@ so a URL can go into logs and error messages.
 * The long `tree=` projection is shortened to `tree=…`: it is ours, not the user's, and buries
 * the part of the message that matters.
 * Done with string replacement rather than URL parsing so the rest of the URL stays byte-for-byte
 * as it was (URL serialisation would re-encode the path).
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1')
    .replace(/([?&]token=)[^&#]*/gi, '$1***')
    .replace(/([?&]tree=)[^&#]*/gi, '$1…');
}
