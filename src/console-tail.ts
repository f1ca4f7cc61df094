import { open, stat } from 'node:fs/promises';

/**
 * Follows a trigger's console file (written by the worker's ConsoleStore) and hands out whole
 * lines. It tracks a byte offset: the store only ever cuts the file back to bytes it will write
 * again identically, so reading by offset neither repeats nor loses a line.
 */
export class ConsoleTail {
  private partial = Buffer.alloc(0);

  constructor(
    private readonly file: string,
    private readonly emit: (line: string) => void,
    /** Where to start reading (e.g. the size of a log file that already holds older lines). */
    private offset = 0,
  ) {}

  async poll(): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch {
      return; // not written yet (or not on this machine)
    }
    if (size <= this.offset) return;
    const fh = await open(this.file, 'r');
    try {
      const buf = Buffer.alloc(size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      this.partial = Buffer.concat([this.partial, buf.subarray(0, bytesRead)]);
    } finally {
      await fh.close();
    }
    let nl: number;
    while ((nl = this.partial.indexOf(0x0a)) >= 0) {
      this.emit(this.partial.subarray(0, nl).toString('utf8').replace(/\r$/, ''));
      this.partial = this.partial.subarray(nl + 1);
    }
  }

  /** Emits a last line without a newline, once the build is over. */
  async flush(): Promise<void> {
    await this.poll();
    if (this.partial.length > 0) this.emit(this.partial.toString('utf8'));
    this.partial = Buffer.alloc(0);
  }
}
