/**
 * `topolens serve`: a read-only local server over a results store (docs/report.md#serve). Four
 * fixed routes and no file serving, so no path outside the store and the viewer can be reached:
 * `/` the report page (the same viewer, CSP allowing `connect-src 'self'`), `/api/report` the
 * report data, `/api/progress` the running runs and their finished jobs, `/api/version` a stamp
 * of the results that changes with every commit; the page polls the last two and redraws its
 * charts from `/api/report` when the stamp changes.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { TopolensError } from '../core/errors.js';
import { openStore, type ResultStore } from '../run/store.js';
import { renderReportPage } from './html.js';
import { buildReportData, storeStamp } from './reportData.js';
import { summarizeReport } from './reportSummary.js';
import { loadViewerBundle, type ViewerBundle } from './writeReport.js';

export interface ServeOptions {
  /** Port, default 0 (any free port). */
  port?: number;
  /** Host, default 127.0.0.1 (this machine only). */
  host?: string;
  experiment?: string;
  bundle?: ViewerBundle;
}

export interface ReportServer {
  url: string;
  close(): Promise<void>;
}

export async function progressOf(store: ResultStore): Promise<unknown> {
  const running = await store.query(
    "SELECT r.id, r.experiment_id, r.started_at, (SELECT count(*)::INTEGER FROM jobs j WHERE j.experiment_id = r.experiment_id AND j.finished_at >= r.started_at) AS jobs FROM runs r WHERE r.status = 'running' ORDER BY r.started_at",
  );
  return { running };
}

/**
 * Runs `read` on the store opened read-only for this request alone, so that the server holds no
 * lock between requests (a run can open the store for writing while the page is open). In a
 * process that has the store open already (for writing, say), the open shares that instance.
 */
async function withStore<T>(path: string, read: (store: ResultStore) => Promise<T>): Promise<T> {
  const store = await openStore(path, { readOnly: true });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** 503 with the one-line reason when the store cannot be read now (a run holds its lock). */
function busy(reply: FastifyReply, err: unknown) {
  if (err instanceof TopolensError)
    return reply.code(503).header('cache-control', 'no-store').send({ error: err.message });
  throw err;
}

export async function serveReport(
  storePath: string,
  options: ServeOptions = {},
): Promise<ReportServer> {
  const bundle = options.bundle ?? loadViewerBundle();
  // fail now, not at the first request, on a path that is not a readable store
  await withStore(storePath, async () => undefined);
  const app: FastifyInstance = Fastify({ logger: false });
  const report = () =>
    withStore(storePath, (store) => buildReportData(store, { experiment: options.experiment }));
  app.get('/', async (_req, reply) => {
    const data = await report();
    const html = renderReportPage({
      title: `topolens report: ${data.experiment.name}`,
      script: bundle.script,
      style: bundle.style,
      data,
      summary: summarizeReport(data),
      extraCsp: ["connect-src 'self'"],
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
  app.get('/api/report', async (_req, reply) => {
    try {
      return reply.header('cache-control', 'no-store').send(await report());
    } catch (err) {
      return busy(reply, err);
    }
  });
  app.get('/api/progress', async (_req, reply) => {
    try {
      return reply.header('cache-control', 'no-store').send(await withStore(storePath, progressOf));
    } catch (err) {
      return busy(reply, err);
    }
  });
  app.get('/api/version', async (_req, reply) => {
    try {
      const stamp = await withStore(storePath, (store) => storeStamp(store, options.experiment));
      return reply.header('cache-control', 'no-store').send({ stamp });
    } catch (err) {
      return busy(reply, err);
    }
  });
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    async close() {
      await app.close();
    },
  };
}
