import { mkdir, open, readFile, rename, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where the remote console of a trigger with enhancedLogging goes: one file per trigger on the
 * worker's disk, written exactly once per byte (DESIGN: no console line lost or repeated).
 *
 * Jenkins' `X-Text-Size` is an opaque cursor, so we never compute offsets: after each chunk
 * is appended we record (cursor, bytes written). If the worker dies between the append and the
 * record, the next attempt cuts the file back to the recorded length and asks Jenkins again
 * from the recorded cursor. Partial lines stay in the file as they came; a reader that wants
 * whole lines splits the concatenated bytes (see tailConsole).
 */
export interface ConsoleCursor {
  start: string;
  bytes: number;
}

export class ConsoleStore {
  constructor(readonly dir: string) {}

  logPath(triggerId: string): string {
    return path.join(this.dir, `${encodeURIComponent(triggerId)}.log`);
  }

  private cursorPath(triggerId: string): string {
    return path.join(this.dir, `${encodeURIComponent(triggerId)}.cursor.json`);
  }

  /** The cursor to resume from; repairs a log that got ahead of its cursor. */
  async resume(triggerId: string): Promise<ConsoleCursor> {
    await mkdir(this.dir, { recursive: true });
    let cursor: ConsoleCursor = { start: '0', bytes: 0 };
    try {
      cursor = JSON.parse(await readFile(this.cursorPath(triggerId), 'utf8')) as ConsoleCursor;
    } catch {
      // no cursor yet: start from the beginning
    }
    const size = await fileSize(this.logPath(triggerId));
    if (size > cursor.bytes) await truncate(this.logPath(triggerId), cursor.bytes);
    else if (size < cursor.bytes) cursor = { start: '0', bytes: 0 }; // log file lost: start again
    if (size === 0 && cursor.bytes === 0) await writeFile(this.logPath(triggerId), '', { flag: 'a' });
    return cursor;
  }

  /** Appends a chunk fetched from `from.start`, then records the cursor that follows it. */
  async append(triggerId: string, from: ConsoleCursor, chunk: Uint8Array, nextStart: string): Promise<ConsoleCursor> {
    const data = chunk;
    if (data.length > 0) {
      const fh = await open(this.logPath(triggerId), 'a');
      try {
        await fh.write(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    const next = { start: nextStart, bytes: from.bytes + data.length };
    const tmp = `${this.cursorPath(triggerId)}.tmp`;
    await writeFile(tmp, JSON.stringify(next));
    await rename(tmp, this.cursorPath(triggerId));
    return next;
  }
}

async function fileSize(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch {
    return 0;
  }
}
