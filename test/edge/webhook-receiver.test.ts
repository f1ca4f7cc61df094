import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signBody } from '../../src/activities/webhook.js';
import { freePort } from '../../src/temporal/embedded-server.js';
import { eventually } from '../support/wait.js';
import { type ApiProcess, DENO, startApiProcess } from '../support/processes.js';

// The README's receiver (examples/webhook-receiver.ts) in a real Deno: it accepts what the
// worker signs (activities/webhook.ts) and refuses a tampered body or another key.
let receiver: ApiProcess;
let url: string;
before(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  receiver = await startApiProcess(DENO, ['run', '-A', 'examples/webhook-receiver.ts'], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DENO_NO_UPDATE_CHECK: '1',
    PORT: String(port),
    WEBHOOK_SECRET: 'receiver-secret',
  });
});
after(() => receiver?.stop());

const post = (body: string, signature: string) =>
  fetch(`${url}/hook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-remote-trigger-signature': signature }, body });

test('the documented Deno receiver verifies the signature of the exact body', async () => {
  const body = JSON.stringify({ id: 'w-1', state: { status: 'FINISHED', result: 'SUCCESS', buildUrl: 'http://ci/job/x/1/' } });
  assert.equal((await post(body, signBody(body, 'receiver-secret'))).status, 204);
  await eventually(() => receiver.output().includes('webhook w-1: FINISHED SUCCESS'), 'the receiver to log the delivery');
  assert.equal((await post(body.replace('SUCCESS', 'FAILURE'), signBody(body, 'receiver-secret'))).status, 401);
  assert.equal((await post(body, signBody(body, 'another-secret'))).status, 401);
  assert.equal((await post(body, '')).status, 401);
});
