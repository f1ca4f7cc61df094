import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmulatorScenario } from '../../src/emulator/index.js';
import { basic, getJson, http, post, queueIdOf, startEmulator } from '../support/emulator.js';

const secured: EmulatorScenario = {
  jobs: [{ name: 'plain', build: { durationMs: 50 } }, { name: 'tokened', token: 's3cret', build: { durationMs: 50 } }],
  quietPeriodMs: 60_000, // keep items queued so that nothing runs in the background
  security: {
    users: [{ name: 'alice', password: 'pw', apiTokens: ['tok-1'], bearerTokens: ['bearer-1'] }],
  },
  cookieSuffix: 'abcd1234',
};

async function crumbSession(url: string, authorization: string): Promise<{ crumb: string; cookie: string; field: string }> {
  const res = await http(`${url}/crumbIssuer/api/json`, { headers: { authorization } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json;charset=UTF-8');
  const setCookie = res.headers.getSetCookie();
  assert.equal(setCookie.length, 1);
  assert.match(setCookie[0]!, /^JSESSIONID\.abcd1234=[^;]+; Path=\/; HttpOnly$/);
  const body = (await res.json()) as { _class: string; crumb: string; crumbRequestField: string };
  assert.equal(body._class, 'hudson.security.csrf.DefaultCrumbIssuer');
  assert.match(body.crumb, /^[0-9a-f]{64}$/);
  return { crumb: body.crumb, cookie: setCookie[0]!.split(';')[0]!, field: body.crumbRequestField };
}

test('a password POST needs the crumb together with the session cookie it was issued for', async (t) => {
  const emu = await startEmulator(t, secured);
  const authorization = basic('alice', 'pw');
  const { crumb, cookie, field } = await crumbSession(emu.url, authorization);
  assert.equal(field, 'Jenkins-Crumb');

  const noCrumb = await post(`${emu.url}/job/plain/build`, { headers: { authorization } });
  assert.equal(noCrumb.status, 403);
  assert.match(await noCrumb.text(), /No valid crumb was included in the request/);

  const noCookie = await post(`${emu.url}/job/plain/build`, { headers: { authorization, [field]: crumb } });
  assert.equal(noCookie.status, 403);

  const ok = await post(`${emu.url}/job/plain/build`, { headers: { authorization, [field]: crumb, cookie } });
  assert.equal(ok.status, 201);
  assert.equal(await ok.text(), '');

  // The crumb is bound to the user as well as the session.
  const other = await crumbSession(emu.url, authorization);
  assert.notEqual(other.crumb, crumb);
  const mixed = await post(`${emu.url}/job/plain/build`, { headers: { authorization, [field]: crumb, cookie: other.cookie } });
  assert.equal(mixed.status, 403);

  // The crumb may also come as a form field.
  const asField = await post(`${emu.url}/job/plain/build`, {
    headers: { authorization, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: `${field}=${crumb}`,
  });
  assert.equal(asField.status, 201);
});

test('an API token needs no crumb and any crumb sent is ignored', async (t) => {
  const emu = await startEmulator(t, secured);
  const authorization = basic('alice', 'tok-1');
  const res = await post(`${emu.url}/job/plain/build`, { headers: { authorization } });
  assert.equal(res.status, 201);
  const junk = await post(`${emu.url}/job/plain/build`, { headers: { authorization, 'Jenkins-Crumb': 'nonsense' } });
  assert.equal(junk.status, 201);
});

test('a bearer token is treated like a password: crumb required', async (t) => {
  const emu = await startEmulator(t, secured);
  const authorization = 'Bearer bearer-1';
  assert.equal((await post(`${emu.url}/job/plain/build`, { headers: { authorization } })).status, 403);
  const { crumb, cookie } = await crumbSession(emu.url, authorization);
  assert.equal((await post(`${emu.url}/job/plain/build`, { headers: { authorization, 'Jenkins-Crumb': crumb, cookie } })).status, 201);
  assert.equal((await http(`${emu.url}/api/json`, { headers: { authorization: 'Bearer nope' } })).status, 401);
});

test('wrong credentials get 401 with a Basic challenge', async (t) => {
  const emu = await startEmulator(t, secured);
  const res = await http(`${emu.url}/api/json`, { headers: { authorization: basic('alice', 'wrong') } });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Jenkins"');
  assert.equal(res.headers.get('x-jenkins'), '2.555');
  assert.match(await res.text(), /<title>Error 401 Unauthorized<\/title>/);
});

test('anonymous without read permission gets the 403 login-redirect page', async (t) => {
  const emu = await startEmulator(t, secured);
  const res = await http(`${emu.url}/job/plain/api/json`);
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('x-you-are-authenticated-as'), 'anonymous');
  assert.equal(res.headers.get('x-required-permission'), 'hudson.model.Hudson.Read');
  const body = await res.text();
  assert.match(body, /Authentication required/);
  assert.match(body, /url=\/login\?from=%2Fjob%2Fplain%2Fapi%2Fjson/);
});

test('job token: GET triggers with a RemoteCause, a wrong token is 403', async (t) => {
  const emu = await startEmulator(t, {
    jobs: [{ name: 'tokened', token: 's3cret', quietPeriodMs: 60_000 }],
    security: { anonymousRead: true, anonymousBuild: false, users: [{ name: 'alice', apiTokens: ['tok-1'] }] },
  });
  const ok = await http(`${emu.url}/job/tokened/build?token=s3cret&cause=nightly`);
  assert.equal(ok.status, 201);
  const item = await getJson(`${emu.url}/queue/item/${queueIdOf(ok)}/api/json`);
  const causes = item.actions.find((a: { causes?: unknown }) => a.causes).causes;
  assert.equal(causes[0]._class, 'hudson.model.Cause$RemoteCause');
  assert.equal(causes[0].note, 'nightly');
  assert.match(causes[0].shortDescription, /^Started by remote host .+ with note: nightly$/);

  const wrong = await http(`${emu.url}/job/tokened/build?token=nope`);
  assert.equal(wrong.status, 403);
  assert.equal(wrong.headers.get('x-you-are-authenticated-as'), 'anonymous');

  const noToken = await http(`${emu.url}/job/tokened/build`, { headers: { authorization: basic('alice', 'tok-1') } });
  assert.equal(noToken.status, 201, 'an API-token GET counts as a POST');
  const anonymousGet = await http(`${emu.url}/job/tokened/build`);
  assert.equal(anonymousGet.status, 403, 'anonymous lacks Item/Build');

  // A token POST is still subject to the crumb filter.
  assert.equal((await post(`${emu.url}/job/tokened/build?token=s3cret`)).status, 403);
});

test('GET on a POST-only trigger without a token answers 405 Allow: POST', async (t) => {
  const emu = await startEmulator(t, { jobs: [{ name: 'plain' }] });
  const res = await http(`${emu.url}/job/plain/build`);
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'POST');
  assert.match(await res.text(), /This URL requires POST/);
});

test('crumb XML variant and CSRF disabled', async (t) => {
  const emu = await startEmulator(t, { jobs: [], csrf: { field: 'X-Crumb' } });
  const xpath = encodeURIComponent('concat(//crumbRequestField,":",//crumb)');
  const res = await http(`${emu.url}/crumbIssuer/api/xml?xpath=${xpath}`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /^X-Crumb:[0-9a-f]{64}$/);

  const off = await startEmulator(t, { jobs: [{ name: 'plain', quietPeriodMs: 60_000 }], csrf: { enabled: false } });
  assert.equal((await http(`${off.url}/crumbIssuer/api/json`)).status, 404);
  assert.equal((await post(`${off.url}/job/plain/build`)).status, 201);
});

test('anonymous may build without any configured users (no crumb is a 403, crumb+cookie a 201)', async (t) => {
  const emu = await startEmulator(t, { jobs: [{ name: 'plain', quietPeriodMs: 60_000 }] });
  assert.equal((await post(`${emu.url}/job/plain/build`)).status, 403);
  const res = await http(`${emu.url}/crumbIssuer/api/json`);
  const { crumb } = (await res.json()) as { crumb: string };
  const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
  assert.equal((await post(`${emu.url}/job/plain/build`, { headers: { 'Jenkins-Crumb': crumb, cookie } })).status, 201);
});
