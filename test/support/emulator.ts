/** HTTP helpers of the emulator tests: requests made the way a client (or curl) makes them. */
import { JenkinsEmulator, type EmulatorScenario } from '../../src/emulator/index.js';

/** Starts an emulator for one test and registers its shutdown with the test context. */
export async function startEmulator(
  t: { after: (fn: () => Promise<void> | void) => void },
  scenario: EmulatorScenario,
): Promise<JenkinsEmulator> {
  const emulator = new JenkinsEmulator({ scenario });
  await emulator.start();
  t.after(() => emulator.stop());
  return emulator;
}

export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** fetch that never follows redirects: trigger answers must be read, not followed. */
export function http(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', ...init });
}

export function post(url: string, init: RequestInit = {}): Promise<Response> {
  return http(url, { method: 'POST', ...init });
}

export function form(fields: Record<string, string>): RequestInit {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

export async function getJson<T = Record<string, any>>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await http(url, init);
  if (res.status !== 200) throw new Error(`GET ${url} -> ${res.status}`);
  return (await res.json()) as T;
}

/** The queue id in a Location header, wherever its host points. */
export function queueIdOf(res: Response): number {
  const m = /\/queue\/item\/(\d+)\/$/.exec(res.headers.get('location') ?? '');
  if (!m) throw new Error(`no queue Location in ${res.status} answer: ${res.headers.get('location')}`);
  return Number(m[1]);
}

/**
 * Moves a paused emulator clock on by `ms` and lets the request handlers that were waiting on
 * it (slow answers) carry on, so that what they record is there when this resolves.
 */
export async function advance(emulator: JenkinsEmulator, ms: number): Promise<void> {
  emulator.clock.advance(ms);
  await new Promise((r) => setImmediate(r));
}
