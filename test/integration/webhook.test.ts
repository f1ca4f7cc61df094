import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';

/**
 * Completion webhooks from the library: the trigger closes at once, the delivery workflow keeps
 * retrying while the receiver fails, survives the worker being replaced, and delivers the same
 * signed bytes once the receiver is back.
 */
describe('completion webhook from the library, across a worker restart', () => {
  const SECRET = 'library-webhook-secret';
  let h: Harness;
  let server: http.Server;
  let url: string;
  let open = false;
  const deliveries: Array<{ status: number; body: string; signature: string | undefined; delivery: string | undefined }> = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        const status = open ? 200 : 503;
        deliveries.push({ status, body, signature: req.headers['x-remote-trigger-signature'] as string | undefined, delivery: req.headers['x-remote-trigger-delivery'] as string | undefined });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h = await Harness.start({
      scenario: { jobs: [{ name: 'quick', build: { durationMs: 300 } }] },
      config: () => ({ notifyOrigins: [url], secretEnvAllow: ['LIB_WEBHOOK_SECRET'] }),
      worker: false,
    });
  });
  after(async () => {
    await h?.teardown();
    server?.close();
  });

  test('delivered after the receiver recovers, by another worker, signed, same bytes', async () => {
    const env = { ...process.env, LIB_WEBHOOK_SECRET: SECRET };
    const first = await h.startWorker({ env });
    const handle = await h.start({ job: 'quick', notify: [{ url: `${url}/hook`, secret: { env: 'LIB_WEBHOOK_SECRET' } }] }, 'lib-hook');
    const final = await handle.result();
    assert.equal(final.result, 'SUCCESS');
    await eventually(() => deliveries.length >= 1, 'a first (failing) delivery');
    await h.stopWorker(first);
    open = true;
    await h.startWorker({ env });
    const ok = await eventually(() => deliveries.find((d) => d.status === 200), 'the delivery after the restart', 90_000);
    assert.equal(deliveries[0]!.status, 503);
    assert.equal(ok.body, deliveries[0]!.body);
    assert.equal(ok.delivery, deliveries[0]!.delivery);
    assert.equal(ok.signature, `sha256=${createHmac('sha256', SECRET).update(ok.body).digest('hex')}`);
    const payload = JSON.parse(ok.body) as { id: string; state: { result: string; buildNumber: number } };
    assert.equal(payload.id, 'lib-hook');
    assert.equal(payload.state.result, 'SUCCESS');
    assert.equal(payload.state.buildNumber, final.buildNumber);
  });
});
