import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConsoleCursorMoved, ConsoleStore } from '../../src/activities/console-store.js';
import { ConsoleTail } from '../../src/console-tail.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('console store and tail: each byte once, whole lines out', () => {
  test('a UTF-8 character split across two chunks is stored and tailed whole', async () => {
    const store = new ConsoleStore(await mkdtemp(path.join(os.tmpdir(), 'console-')));
    const all = bytes('héllo wörld ✓\nsecond line\n');
    const cut = 2; // inside the two bytes of 'é'
    let cursor = await store.resume('t1');
    cursor = await store.append('t1', cursor, all.subarray(0, cut), String(cut));
    cursor = await store.append('t1', cursor, all.subarray(cut), String(all.length));
    assert.deepEqual(cursor, { start: String(all.length), bytes: all.length });
    assert.equal(await readFile(store.logPath('t1'), 'utf8'), 'héllo wörld ✓\nsecond line\n');
    const lines: string[] = [];
    const tail = new ConsoleTail(store.logPath('t1'), (l) => lines.push(l));
    await tail.flush();
    assert.deepEqual(lines, ['héllo wörld ✓', 'second line']);
  });

  test('a crash between append and cursor record: resume cuts the log back and the chunk is fetched again once', async () => {
    const store = new ConsoleStore(await mkdtemp(path.join(os.tmpdir(), 'console-')));
    let cursor = await store.resume('t2');
    cursor = await store.append('t2', cursor, bytes('line 1\n'), '7');
    // The worker appended the next chunk, then died before recording its cursor.
    await appendFile(store.logPath('t2'), 'line 2\n');
    const resumed = await store.resume('t2');
    assert.deepEqual(resumed, { start: '7', bytes: 7 });
    assert.equal(await readFile(store.logPath('t2'), 'utf8'), 'line 1\n');
    await store.append('t2', resumed, bytes('line 2\n'), '14');
    assert.equal(await readFile(store.logPath('t2'), 'utf8'), 'line 1\nline 2\n');
  });

  test('a tail that already read past the cut emits nothing twice', async () => {
    const store = new ConsoleStore(await mkdtemp(path.join(os.tmpdir(), 'console-')));
    const lines: string[] = [];
    const tail = new ConsoleTail(store.logPath('t3'), (l) => lines.push(l));
    let cursor = await store.resume('t3');
    cursor = await store.append('t3', cursor, bytes('a\n'), '2');
    await appendFile(store.logPath('t3'), 'b\n'); // appended, cursor not recorded
    await tail.poll(); // the tail sees a and b
    const resumed = await store.resume('t3'); // cut back to 'a\n'
    await tail.poll(); // nothing new
    await store.append('t3', resumed, bytes('b\nc\n'), '6'); // re-fetched from the cursor
    await tail.flush();
    assert.deepEqual(lines, ['a', 'b', 'c']);
  });

  test('two attempts writing at once: the one whose cursor moved stops, nothing is written twice', async () => {
    const store = new ConsoleStore(await mkdtemp(path.join(os.tmpdir(), 'console-')));
    let old = await store.resume('t4');
    old = await store.append('t4', old, bytes('one\n'), '4');
    // The server timed the old attempt out; a new attempt resumes while the old still runs.
    let fresh = await store.resume('t4');
    fresh = await store.append('t4', fresh, bytes('two\n'), '8');
    await assert.rejects(store.append('t4', old, bytes('two\n'), '8'), ConsoleCursorMoved);
    await store.append('t4', fresh, bytes('three\n'), '14');
    assert.equal(await readFile(store.logPath('t4'), 'utf8'), 'one\ntwo\nthree\n');
  });
});
