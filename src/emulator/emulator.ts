import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, adminReply } from './admin.js';
import { Clock } from './clock.js';
import { FaultRules } from './faults.js';
import { parseBody, readBody, splitTarget } from './http.js';
import { Model, modelSettings } from './model.js';
import type { JenkinsRequest } from './request.js';
import { RequestLog } from './request-log.js';
import { loginRedirectPage, oopsPage, restartingPage, ssoLoginPage, type Reply } from './responses.js';
import { JenkinsRoutes } from './routes.js';
import { demoScenario, parseScenario } from './scenario.js';
import { Security } from './security.js';
import type { BuildSummary, EmulatorClock, EmulatorJob, EmulatorScenario, FaultRule, JenkinsEmulatorOptions, QueueItemSummary, RecordedRequest } from './types.js';

const JENKINS_VERSION = '2.555';
const DEFAULT_FAULT_DELAY_MS = 60_000;

/**
 * A real HTTP server that answers like Jenkins for a remote-trigger client (docs/design.md
 * §2.4), with the hooks tests need: a request log, fault rules, restarts, the admin API.
 */
export class JenkinsEmulator {
  private readonly scenario: EmulatorScenario;
  private readonly time = new Clock();
  private readonly model: Model;
  private readonly security: Security;
  private readonly routes: JenkinsRoutes;
  private readonly log: (line: string) => void;
  private server: Server | undefined;
  private listenUrl: string | undefined;
  private readonly requestLog: RequestLog;
  private readonly faults = new FaultRules();
  private downUntil = 0;
  /** X-Jenkins-Session changes on every restart, as in Jenkins. */
  private instanceSession = randomBytes(4).toString('hex');

  constructor(private readonly opts: JenkinsEmulatorOptions = {}) {
    this.scenario = parseScenario(opts.scenario ?? demoScenario);
    this.log = opts.log ?? (() => {});
    this.model = new Model(modelSettings(this.scenario), this.scenario.jobs, this.time, this.log);
    this.security = new Security(this.scenario);
    this.routes = new JenkinsRoutes(this.model, this.security, this.scenario, () => this.publicUrl);
    this.requestLog = new RequestLog(() => this.security.crumbField, this.time);
  }

  async start(): Promise<void> {
    if (this.server) return;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.onRequest(req, res).catch((error: unknown) => {
        this.log(`emulator: internal error: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent) this.send(res, oopsPage(), req.method ?? 'GET');
      });
    };
    const server: Server = this.opts.tls ? createHttpsServer({ key: this.opts.tls.key, cert: this.opts.tls.cert }, handler) : createServer(handler);
    const host = this.opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.listenUrl = `${this.opts.tls ? 'https' : 'http'}://${shownHost}:${address.port}`;
    this.server = server;
    this.log(`emulator: listening on ${this.listenUrl}`);
  }

  async stop(): Promise<void> {
    this.time.cancelAll();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /**
   * Emulator time, for tests that hold a state while they look at it: pause() it and the queue,
   * builds, slow answers and restarts stand still until advance(ms) or resume().
   */
  get clock(): EmulatorClock {
    return this.time;
  }

  get url(): string {
    if (!this.listenUrl) throw new Error('JenkinsEmulator is not started');
    return this.listenUrl;
  }

  get publicUrl(): string {
    return this.scenario.publicUrl?.replace(/\/+$/, '') ?? this.url;
  }

  /** Copies of the recorded requests, oldest first. */
  requests(filter: { method?: string; pathPrefix?: string } = {}): RecordedRequest[] {
    return this.requestLog.list(filter);
  }

  clearRequests(): void {
    this.requestLog.clear();
  }

  addFault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * Simulates a controller restart: 503 for downMs, the left-item cache and all web sessions
   * (hence crumbs) are lost. Queued items and running builds carry on, which real Jenkins only
   * does for the queue (builds would be aborted or resumed). `loseQueue` also drops the items
   * still waiting in the queue, as when queue.xml was not written or could not be read back
   * (a crash, a disk problem): their ids then 404 and no build will ever carry them.
   */
  restart(opts: { downMs?: number; loseQueue?: boolean } = {}): void {
    this.downUntil = this.time.now() + (opts.downMs ?? 2000);
    this.model.forgetLeftItems();
    if (opts.loseQueue) this.model.forgetQueuedItems();
    this.security.forgetSessions();
    this.instanceSession = randomBytes(4).toString('hex');
    this.log(`emulator: restarting, down for ${opts.downMs ?? 2000} ms`);
  }

  setJob(job: EmulatorJob): void {
    this.model.setJob(job);
  }

  /** The most builds (of all jobs) that were in progress at the same moment since the start. */
  peakRunningBuilds(): number {
    return this.model.peakRunningBuilds;
  }

  /** Builds of a job, oldest first (Jenkins lists newest first). */
  builds(jobName: string): BuildSummary[] {
    const job = this.model.jobs.get(jobName);
    if (!job) return [];
    return [...job.builds].reverse().map((b) => ({
      number: b.number,
      queueId: b.queueId,
      result: b.result,
      building: b.building,
      parameters: b.paramRecord(),
    }));
  }

  /** Every known queue item, including left ones until they expire; state is waiting|blocked|buildable|left|cancelled. */
  queueItems(): QueueItemSummary[] {
    return this.model.allItems().map((i) => ({
      id: i.id,
      job: i.job.fullName,
      state: i.state === 'left' && i.cancelled ? 'cancelled' : i.state,
    }));
  }

  /** Ends every quiet period now and runs every running build to its end. */
  completeAllPending(): void {
    this.model.completeAllPending();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const { pathname, search } = splitTarget(req.url ?? '/');
    const body = await readBody(req);
    if (pathname === ADMIN_PREFIX || pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      this.send(res, adminReply(this, (name) => this.model.jobs.has(name), method, pathname, new URLSearchParams(search), body), method);
      return;
    }
    const { form, files } = parseBody(req.headers['content-type'], body);
    const request: JenkinsRequest = {
      method,
      pathname,
      query: new URLSearchParams(search),
      form,
      files,
      headers: req.headers,
      remoteAddr: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    };
    const record = this.requestLog.add(request, body);
    const fault = this.faults.take(method, pathname, search);
    if (fault) record.fault = fault.kind;

    switch (fault?.kind) {
      case undefined:
        break;
      case 'reset':
        req.socket.destroy();
        return;
      case 'status503':
        return this.deliver(res, record, restartingPage(), method);
      case 'status500':
        return this.deliver(res, record, oopsPage(), method);
      case 'html200':
        return this.deliver(res, record, ssoLoginPage(), method);
      case 'loginRedirect':
        return this.deliver(res, record, loginRedirectPage(pathname), method);
      case 'slow':
        if (!(await this.wait(fault.delayMs ?? DEFAULT_FAULT_DELAY_MS, res))) {
          record.abandoned = true;
          return;
        }
        break;
      case 'acceptThenDrop': {
        // The request takes effect (a build may be queued) but the client never hears about it.
        record.status = this.process(request).status;
        res.socket?.destroy();
        return;
      }
      case 'acceptThenSlow': {
        const reply = this.process(request);
        if (!(await this.wait(fault.delayMs ?? DEFAULT_FAULT_DELAY_MS, res))) {
          record.status = reply.status;
          record.abandoned = true;
          return;
        }
        return this.deliver(res, record, reply, method);
      }
    }
    this.deliver(res, record, this.process(request), method);
  }

  private process(request: JenkinsRequest): Reply {
    if (this.time.now() < this.downUntil) return restartingPage();
    try {
      return this.routes.handle(request);
    } catch (error) {
      this.log(`emulator: error handling ${request.method} ${request.pathname}: ${(error as Error).stack ?? String(error)}`);
      return oopsPage();
    }
  }

  private deliver(res: ServerResponse, record: RecordedRequest, reply: Reply, method: string): void {
    record.status = reply.status;
    if (!res.destroyed) record.answeredAt = this.time.now();
    this.send(res, reply, method);
  }

  private send(res: ServerResponse, reply: Reply, method: string): void {
    if (res.destroyed) return;
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
    res.writeHead(reply.status, {
      'X-Jenkins': JENKINS_VERSION,
      'X-Hudson': '1.395',
      'X-Jenkins-Session': this.instanceSession,
      ...reply.headers,
      'Content-Length': String(body.length),
    });
    res.end(method === 'HEAD' ? undefined : body);
  }

  /** Resolves true after ms, or false as soon as the client goes away. */
  private wait(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const onClose = (): void => {
        this.time.cancel(handle);
        resolve(false);
      };
      const handle = this.time.after(ms, () => {
        res.off('close', onClose);
        resolve(!res.destroyed);
      });
      res.once('close', onClose);
    });
  }
}
