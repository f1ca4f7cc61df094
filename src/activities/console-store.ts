// Where the remote console of a trigger with enhancedLogging goes: one file per trigger on the
// worker's disk, written exactly once per byte (docs/design.md §9).
//
// Jenkins' `X-Text-Size` is an opaque cursor, so we never compute offsets: after each chunk
// is appended we record (cursor, bytes written). If the worker dies between the append and the
// record, the next attempt cuts the file back to the recorded length and asks Jenkins again
// from the recorded cursor. Partial lines stay in the file as they came; a reader that wants
// whole lines splits the concatenated bytes (see tailConsole).

import { mkdir, open, readFile, rename, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface ConsoleCursor {
  start: string;
  bytes: number;
}

/**
 * Another writer moved the cursor: a newer attempt of the same watcher took over (for example
 * after the Temporal server was down longer than the heartbeat timeout, while the old attempt
 * was still running). The attempt that sees this stops; the newer one carries on.
 */
export class ConsoleCursorMoved extends Error {
  override name = 'ConsoleCursorMoved';
}

export class ConsoleStore {
  /** Serialises resume and append per trigger within this worker process. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(readonly dir: string) {}

  logPath(triggerId: string): string {
    return path.join(this.dir, `${encodeURIComponent(triggerId)}.log`);
  }

  private cursorPath(triggerId: string): string {
    return path.join(this.dir, `${encodeURIComponent(triggerId)}.cursor.json`);
  }

  /** The cursor to resume from; repairs a log that got ahead of its cursor. */
  async resume(triggerId: string): Promise<ConsoleCursor> {
    return this.exclusive(triggerId, async () => {
      await mkdir(this.dir, { recursive: true });
      let cursor = await this.readCursor(triggerId);
      const size = await fileSize(this.logPath(triggerId));
      if (size > cursor.bytes) await truncate(this.logPath(triggerId), cursor.bytes);
      else if (size < cursor.bytes) {
        cursor = { start: '0', bytes: 0 }; // log file lost: start again
        await this.writeCursor(triggerId, cursor);
      }
      if (size === 0 && cursor.bytes === 0) await writeFile(this.logPath(triggerId), '', { flag: 'a' });
      return cursor;
    });
  }

  /**
   * Appends a chunk fetched from `from.start`, then records the cursor that follows it. Only
   * if the recorded cursor is still `from`: two attempts writing at once would repeat lines.
   */
  async append(triggerId: string, from: ConsoleCursor, chunk: Uint8Array, nextStart: string): Promise<ConsoleCursor> {
    return this.exclusive(triggerId, async () => {
      const recorded = await this.readCursor(triggerId);
      if (recorded.bytes !== from.bytes || recorded.start !== from.start) {
        throw new ConsoleCursorMoved(`console of ${triggerId}: the cursor moved to ${recorded.start} (${recorded.bytes} bytes) under this writer (at ${from.start})`);
      }
      if (chunk.length > 0) {
        const fh = await open(this.logPath(triggerId), 'a');
        try {
          await fh.write(chunk);
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      const next = { start: nextStart, bytes: from.bytes + chunk.length };
      await this.writeCursor(triggerId, next);
      return next;
    });
  }

  private async readCursor(triggerId: string): Promise<ConsoleCursor> {
    try {
      return JSON.parse(await readFile(this.cursorPath(triggerId), 'utf8')) as ConsoleCursor;
    } catch {
      return { start: '0', bytes: 0 }; // no cursor yet: start from the beginning
    }
  }

  private async writeCursor(triggerId: string, cursor: ConsoleCursor): Promise<void> {
    const tmp = `${this.cursorPath(triggerId)}.tmp`;
    await writeFile(tmp, JSON.stringify(cursor));
    await rename(tmp, this.cursorPath(triggerId));
  }

  private exclusive<T>(triggerId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(triggerId) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(() => undefined, () => undefined);
    this.queues.set(triggerId, settled);
    void settled.then(() => {
      if (this.queues.get(triggerId) === settled) this.queues.delete(triggerId);
    });
    return run;
  }
}

async function fileSize(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch {
    return 0;
  }
}
