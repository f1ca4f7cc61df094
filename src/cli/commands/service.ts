import { emptyConfig, loadConfig } from '../../options/config.js';
import { temporalMode } from '../../temporal/connect.js';
import { configIdentity, describeConfig, ensureLocalService, rssOf, runningService, stopLocalService } from '../../temporal/local-service.js';
import { stateDir } from '../../temporal/state-dir.js';
import { defineCommand } from '../command.js';
import { CONFIG, type Flags, JSON_OUTPUT, QUIET, UsageError } from '../flags.js';
import { EXIT, log, printJson } from '../output.js';

/**
 * `service status|start|stop|restart`: the local service of the embedded mode (a detached
 * Temporal dev server plus one worker per state directory, see temporal/local-service.ts).
 * `service run` is its body (service-run.ts), started detached by the first command that needs it.
 */
export const SERVICE_FLAGS = {
  config: CONFIG,
  'no-config': { type: 'boolean', help: 'run the service with no configuration file' },
  json: JSON_OUTPUT,
  quiet: QUIET,
} as const satisfies Flags;

export const serviceCommand = defineCommand({
  name: 'service',
  args: 'status|start|stop|restart',
  positionals: 1,
  summary: 'the local service (embedded mode: dev server + one worker)',
  details: 'With a Temporal address configured there is no local service: run `remote-trigger worker` processes.',
  flags: SERVICE_FLAGS,
  examples: ['remote-trigger service status', 'remote-trigger service restart --config temporal.yaml'],
  async run({ values, positionals }) {
    const sub = positionals[0];
    const loaded = values['no-config'] ? { config: emptyConfig(), path: null } : await loadConfig(values.config);
    const dir = stateDir(process.env, loaded.config.stateDir);
    const say = values.quiet ? () => {} : log;
    if (temporalMode(loaded.config) === 'external' && sub !== 'stop') {
      throw new UsageError('a Temporal address is configured: there is no local service; run `remote-trigger worker` processes', 'command');
    }
    const start = async () => {
      const rec = await ensureLocalService(dir, { config: configIdentity(loaded.path), startsTriggers: true, log: say });
      say(`The local service of ${dir} runs: pid ${rec.pid}, ${describeConfig(rec.config)}`);
      return EXIT.ok;
    };
    switch (sub) {
      case 'status':
        return await serviceStatus(dir, values.json);
      case 'start':
        return await start();
      case 'stop':
        return await serviceStop(dir, say);
      case 'restart':
        await serviceStop(dir, say);
        return await start();
      default:
        throw new UsageError(`usage: remote-trigger service status|start|stop|restart [--config FILE | --no-config]`, 'command');
    }
  },
});

async function serviceStop(dir: string, say: (line: string) => void): Promise<number> {
  const { servicePid, serverPid } = await stopLocalService(dir);
  if (servicePid === null && serverPid === null) say(`No local service runs for ${dir}`);
  else say(`Stopped the local service of ${dir} (${[servicePid && `worker pid ${servicePid}`, serverPid && `dev server pid ${serverPid}`].filter(Boolean).join(', ')})`);
  return EXIT.ok;
}

async function serviceStatus(dir: string, json?: boolean): Promise<number> {
  const rec = runningService(dir);
  const { embeddedServerRecord } = await import('../../temporal/embedded-server.js');
  const server = embeddedServerRecord(dir);
  let openTriggers: number | null = null;
  if (rec) {
    try {
      const { Client, Connection } = await import('@temporalio/client');
      const { OPEN_TRIGGERS_QUERY } = await import('../../service.js');
      const connection = await Connection.connect({ address: rec.address });
      try {
        openTriggers = (await new Client({ connection, namespace: rec.namespace }).workflow.count(OPEN_TRIGGERS_QUERY)).count;
      } finally {
        await connection.close();
      }
    } catch {
      openTriggers = null;
    }
  }
  const out = rec
    ? {
        running: true,
        stateDir: dir,
        pid: rec.pid,
        serverPid: server?.pid ?? null,
        address: rec.address,
        config: rec.config,
        startedAt: rec.startedAt,
        idleMinutes: rec.idleMinutes,
        openTriggers,
        rssBytes: { worker: rssOf(rec.pid), server: server ? rssOf(server.pid) : null },
        log: rec.log,
      }
    : { running: false, stateDir: dir };
  if (json) printJson(out);
  else if (!rec) process.stdout.write(`No local service runs for ${dir}\n`);
  else {
    const mb = (b: number | null) => (b === null ? '?' : `${Math.round(b / 1048576)} MB`);
    process.stdout.write(
      [
        `local service of ${dir}`,
        `worker:    pid ${rec.pid}, RSS ${mb(rssOf(rec.pid))}, since ${rec.startedAt}`,
        `dev server: ${server ? `pid ${server.pid}, RSS ${mb(rssOf(server.pid))}, ` : ''}${rec.address}`,
        `config:    ${describeConfig(rec.config)}`,
        `open triggers: ${openTriggers ?? '?'}; idle stop: ${rec.idleMinutes > 0 ? `after ${rec.idleMinutes} min without an open trigger` : 'never'}`,
        `log:       ${rec.log}`,
      ].join('\n') + '\n',
    );
  }
  return EXIT.ok;
}
