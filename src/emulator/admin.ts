// The admin API under /_emulator/ (docs/design.md §2.4): no auth, not recorded, JSON in and out.
// Each route is one of the emulator's test methods.
import type { JenkinsEmulator } from './emulator.js';
import { emptyReply, jsonReply, type Reply } from './responses.js';
import { describeZodError, faultSchema, jobSchema } from './scenario.js';

export const ADMIN_PREFIX = '/_emulator';

/** The /_emulator admin API: no auth, not recorded, JSON in and out. */
export function adminReply(emulator: JenkinsEmulator, hasJob: (name: string) => boolean, method: string, pathname: string, query: URLSearchParams, body: Buffer): Reply {
  const route = `${method} ${pathname.slice(ADMIN_PREFIX.length).replace(/\/$/, '')}`;
  const json = (): unknown => JSON.parse(body.toString('utf8') || 'null');
  try {
    switch (route) {
      case 'GET /requests':
        return jsonReply(emulator.requests());
      case 'DELETE /requests':
        emulator.clearRequests();
        return emptyReply(204);
      case 'POST /faults': {
        const parsed = faultSchema.safeParse(json());
        if (!parsed.success) return jsonReply({ error: describeZodError(parsed.error) }, 400);
        emulator.addFault(parsed.data);
        return emptyReply(204);
      }
      case 'DELETE /faults':
        emulator.clearFaults();
        return emptyReply(204);
      case 'POST /restart': {
        const downMs = query.get('downMs');
        if (downMs !== null && !/^\d+$/.test(downMs)) return jsonReply({ error: 'downMs must be a whole number of milliseconds' }, 400);
        emulator.restart({ ...(downMs === null ? {} : { downMs: Number(downMs) }), loseQueue: query.get('loseQueue') === 'true' });
        return emptyReply(204);
      }
      case 'PUT /jobs': {
        const parsed = jobSchema.safeParse(json());
        if (!parsed.success) return jsonReply({ error: describeZodError(parsed.error) }, 400);
        emulator.setJob(parsed.data);
        return emptyReply(204);
      }
      case 'GET /builds': {
        const name = query.get('job') ?? '';
        if (!hasJob(name)) return jsonReply({ error: `no job named "${name}"` }, 404);
        return jsonReply(emulator.builds(name));
      }
      case 'GET /queue':
        return jsonReply(emulator.queueItems());
      case 'POST /complete':
        emulator.completeAllPending();
        return emptyReply(204);
      default:
        return jsonReply({ error: `unknown admin route ${route}` }, 404);
    }
  } catch (error) {
    return jsonReply({ error: (error as Error).message }, 400);
  }
}
