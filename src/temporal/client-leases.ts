// A client (CLI run, library runtime) announces itself in `<dir>/clients/` before it reads the
// service record, and the idle stop removes the record before it looks at the leases: so a
// command starting a trigger either finds no record (and starts a new service, after the
// stopping one released the lock) or is seen by the stopping service, which then stays.
// Leases of dead processes, and leases older than 10 minutes (by then any trigger the client
// started is counted as open), do not count.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { alive } from './embedded-server.js';

const LEASE_MAX_AGE_MS = 10 * 60_000;

export function registerClient(dir: string): () => void {
  const leases = path.join(dir, 'clients');
  mkdirSync(leases, { recursive: true });
  const file = path.join(leases, `${process.pid}-${randomUUID().slice(0, 8)}`);
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

export function liveClients(dir: string): number {
  const leases = path.join(dir, 'clients');
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(leases);
  } catch {
    return 0;
  }
  for (const name of names) {
    const file = path.join(leases, name);
    try {
      const pid = Number(readFileSync(file, 'utf8'));
      if (alive(pid) && Date.now() - statSync(file).mtimeMs < LEASE_MAX_AGE_MS) n++;
      else if (!alive(pid)) rmSync(file, { force: true });
    } catch {
      /* removed meanwhile */
    }
  }
  return n;
}
