/**
 * `topolens serve`: a read-only local server over a results store (docs/report.md#serve). Three
 * fixed routes and no file serving, so no path outside the store and the viewer can be reached:
 * `/` the report page (the same viewer, CSP allowing `connect-src 'self'`), `/api/report` the
 * report data, `/api/progress` the running runs and their finished jobs, which the page polls.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { openStore, type ResultStore } from '../run/store.js';
import { renderReportPage } from './html.js';
import { buildReportData } from './reportData.js';
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

export async function serveReport(
  storePath: string,
  options: ServeOptions = {},
): Promise<ReportServer> {
  const bundle = options.bundle ?? loadViewerBundle();
  const store = await openStore(storePath, { readOnly: true });
  const app: FastifyInstance = Fastify({ logger: false });
  app.get('/', async (_req, reply) => {
    const data = await buildReportData(store, { experiment: options.experiment });
    const html = renderReportPage({
      title: `topolens report: ${data.experiment.name}`,
      script: bundle.script,
      style: bundle.style,
      data,
      extraCsp: ["connect-src 'self'"],
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
  app.get('/api/report', async () => buildReportData(store, { experiment: options.experiment }));
  app.get('/api/progress', async () => progressOf(store));
  try {
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (err) {
    await store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
