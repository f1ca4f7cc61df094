// The processes of the embedded mode (the local service, the dev server): whether a recorded pid
// is still ours, waiting for one to go, and its memory.
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { alive } from './embedded-server.js';

function cmdlineOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null;
  }
}

/**
 * Whether `pid` is alive and still the process we recorded: its command line contains
 * `marker` (a start token, a database path). Without /proc (macOS) liveness is all we can check.
 */
export function processMatches(pid: number, marker: string): boolean {
  if (!pid || !alive(pid)) return false;
  const cmd = cmdlineOf(pid);
  if (cmd === null) return !existsSync('/proc');
  return cmd.includes(marker);
}

/** Waits until `pid` is gone (or no longer ours); SIGKILL after `ms`. True when it went by itself. */
export async function waitGone(pid: number, marker: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processMatches(pid, marker)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      while (processMatches(pid, marker)) await delay(50);
      return false;
    }
    await delay(50);
  }
  return true;
}

/** Resident memory of a process in bytes (Linux), or null. */
export function rssOf(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
