import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmulatorScenario } from '../../src/emulator/index.js';
import { form, getJson, http, post, queueIdOf, startEmulator } from '../support/emulator.js';
import { eventually } from '../support/wait.js';

// CSRF off: these tests are about the trigger endpoints, auth.test.ts covers crumbs.
const scenario: EmulatorScenario = {
  csrf: { enabled: false },
  quietPeriodMs: 60_000, // items stay in the queue so that coalescing can be observed
  publicUrl: 'https://jenkins.public.example/ci/',
  jobs: [
    {
      name: 'demo',
      parameters: [
        { name: 'BRANCH', default: 'main' },
        { name: 'DRY_RUN', type: 'boolean', default: false },
        { name: 'ENV', type: 'choice', choices: ['dev', 'prod'] },
        { name: 'UPLOAD', type: 'file' },
      ],
    },
    { name: 'plain' },
    { name: 'old', disabled: true },
    { name: 'team/deploy', parameters: [{ name: 'VERSION' }] },
    { name: 'My Job' },
    { name: 'repo/feature%2Ffoo' },
  ],
};

test('201 with a Location on the advertised publicUrl and an empty body', async (t) => {
  const emu = await startEmulator(t, scenario);
  const res = await post(`${emu.url}/job/demo/buildWithParameters`, form({ BRANCH: 'x' }));
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('location'), 'https://jenkins.public.example/ci/queue/item/100/');
  assert.equal(await res.text(), '');
  assert.equal(emu.publicUrl, 'https://jenkins.public.example/ci');

  const item = await getJson(`${emu.url}/queue/item/100/api/json?tree=why`);
  assert.equal(item._class, 'hudson.model.Queue$WaitingItem');
  assert.equal(item.url, 'queue/item/100/');
  assert.equal(item.task.url, 'https://jenkins.public.example/ci/job/demo/');
  assert.equal(item.params, '\nBRANCH=x\nDRY_RUN=false\nENV=dev');
  assert.match(item.why, /^In the quiet period\. Expires in \d+ sec$/);
  const params = item.actions.find((a: { _class: string }) => a._class === 'hudson.model.ParametersAction').parameters;
  assert.deepEqual(params, [
    { _class: 'hudson.model.StringParameterValue', name: 'BRANCH', value: 'x' },
    { _class: 'hudson.model.BooleanParameterValue', name: 'DRY_RUN', value: false },
    { _class: 'hudson.model.StringParameterValue', name: 'ENV', value: 'dev' },
  ]);
});

test('identical parameters coalesce (303, same id); different ones make a new item', async (t) => {
  const emu = await startEmulator(t, scenario);
  const first = await post(`${emu.url}/job/demo/buildWithParameters?BRANCH=a`);
  assert.equal(first.status, 201);
  // Same set after defaults are filled in, sent differently (body vs query, explicit default).
  const again = await post(`${emu.url}/job/demo/buildWithParameters`, form({ BRANCH: 'a', DRY_RUN: 'false', UNKNOWN: '1' }));
  assert.equal(again.status, 303);
  assert.equal(queueIdOf(again), queueIdOf(first));
  const other = await post(`${emu.url}/job/demo/buildWithParameters?BRANCH=b`);
  assert.equal(other.status, 201);
  assert.notEqual(queueIdOf(other), queueIdOf(first));

  const item = await getJson(`${emu.url}/queue/item/${queueIdOf(first)}/api/json`);
  const causes = item.actions.find((a: { causes?: unknown }) => a.causes).causes;
  assert.equal(causes.length, 2, 'the merged request repeats the cause');

  // /build on a non-parameterized job: always 201, same id while queued.
  const p1 = await post(`${emu.url}/job/plain/build`);
  const p2 = await post(`${emu.url}/job/plain/build?delay=0sec`);
  assert.equal(p1.status, 201);
  assert.equal(p2.status, 201);
  assert.equal(queueIdOf(p1), queueIdOf(p2));
  assert.deepEqual(
    emu.queueItems().map((i) => i.id),
    [100, 101, 102],
  );
});

test('/build on a parameterized job: 400 without json, 201 to the job URL with it', async (t) => {
  const emu = await startEmulator(t, scenario);
  const nothing = await post(`${emu.url}/job/demo/build`);
  assert.equal(nothing.status, 400);
  assert.match(await nothing.text(), /Nothing is submitted/);
  const queryOnly = await post(`${emu.url}/job/demo/build?delay=0sec`);
  assert.equal(queryOnly.status, 400);
  assert.match(await queryOnly.text(), /This page expects a form submission/);

  const json = JSON.stringify({ parameter: [{ name: 'BRANCH', value: 'main' }] });
  const ok = await post(`${emu.url}/job/demo/build`, form({ json }));
  assert.equal(ok.status, 201);
  assert.equal(ok.headers.get('location'), 'https://jenkins.public.example/ci/job/demo/');
  const merged = await post(`${emu.url}/job/demo/build`, form({ json }));
  assert.equal(merged.status, 302);
  const unknown = await post(`${emu.url}/job/demo/build`, form({ json: JSON.stringify({ parameter: { name: 'NOPE', value: 1 } }) }));
  assert.equal(unknown.status, 500);
});

test('status codes: not parameterized 400, disabled 409, unknown 404, bad choice 500, double slash 400', async (t) => {
  const emu = await startEmulator(t, scenario);
  const plain = await post(`${emu.url}/job/plain/buildWithParameters`);
  assert.equal(plain.status, 400);
  assert.match(await plain.text(), /<title>Error 400 plain is not parameterized<\/title>/);

  const disabled = await post(`${emu.url}/job/old/build`);
  assert.equal(disabled.status, 409);
  assert.match(await disabled.text(), /old is not buildable/);
  assert.equal((await post(`${emu.url}/job/old/buildWithParameters`)).status, 409);

  const missing = await post(`${emu.url}/job/nope/build`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /Oops!.*Not Found/s);

  const choice = await post(`${emu.url}/job/demo/buildWithParameters?ENV=qa`);
  assert.equal(choice.status, 500);
  assert.match(await choice.text(), /Logging ID=[0-9a-f-]{36}/);

  const twice = await post(`${emu.url}/job/demo/buildWithParameters?BRANCH=a&BRANCH=b`);
  assert.equal(twice.status, 500);

  const slashes = await http(`${emu.url}/job//demo/api/json`);
  assert.equal(slashes.status, 400);
  assert.match(await slashes.text(), /API requests can&#39;t contain double slashes/);

  assert.equal((await post(`${emu.url}/job/plain/build?delay=soon`)).status, 500);
});

test('folders and encoded names', async (t) => {
  const emu = await startEmulator(t, scenario);
  const res = await post(`${emu.url}/job/team/job/deploy/buildWithParameters?VERSION=1.2`);
  assert.equal(res.status, 201);
  const job = await getJson(`${emu.url}/job/team/job/deploy/api/json`);
  assert.equal(job.fullName, 'team/deploy');
  assert.equal(job.fullDisplayName, 'team » deploy');
  assert.equal(job.url, 'https://jenkins.public.example/ci/job/team/job/deploy/');
  assert.equal(job.inQueue, true);
  assert.equal(job.queueItem.id, queueIdOf(res));
  assert.equal(job.queueItem.actions, undefined);
  assert.equal(job.property[0]._class, 'hudson.model.ParametersDefinitionProperty');

  const folder = await getJson(`${emu.url}/job/team/api/json`);
  assert.equal(folder._class, 'com.cloudbees.hudson.plugins.folder.Folder');
  assert.deepEqual(folder.jobs.map((j: { name: string }) => j.name), ['deploy']);

  assert.equal((await getJson(`${emu.url}/job/My%20Job/api/json`)).url, 'https://jenkins.public.example/ci/job/My%20Job/');
  const branch = await getJson(`${emu.url}/job/repo/job/feature%252Ffoo/api/json`);
  assert.equal(branch.name, 'feature%2Ffoo');
  assert.equal(branch.url, 'https://jenkins.public.example/ci/job/repo/job/feature%252Ffoo/');
  assert.equal((await http(`${emu.url}/job/repo/job/feature%2Ffoo/api/json`)).status, 404);
});

test('multipart upload stores a file parameter value', async (t) => {
  const emu = await startEmulator(t, { ...scenario, quietPeriodMs: 0 });
  const body = new FormData();
  body.set('BRANCH', 'up');
  body.set('UPLOAD', new Blob(['hello file']), 'notes.txt');
  const res = await post(`${emu.url}/job/demo/buildWithParameters`, { body });
  assert.equal(res.status, 201);
  const item = await getJson(`${emu.url}/queue/item/${queueIdOf(res)}/api/json`);
  assert.equal(item.params, '\nBRANCH=up\nDRY_RUN=false\nENV=dev\nUPLOAD=notes.txt');
  const params = item.actions[0].parameters;
  assert.deepEqual(params[3], { _class: 'hudson.model.FileParameterValue', name: 'UPLOAD' });
  const builds = await eventually(() => (emu.builds('demo').length > 0 ? emu.builds('demo') : undefined), 'the build');
  assert.equal(builds[0]!.parameters.UPLOAD, 'hello file');
  assert.equal(builds[0]!.parameters.BRANCH, 'up');
});
