/**
 * A coordinator for executor.test.ts, run as its own process (`node --import tsx`). Reads
 * `{ warm?: Job, run: Job }` from `<jobs.json>`; on a pool of 2 process workers it runs `warm`
 * on both (so they are started), then `run` on both, prints the workers' process ids as
 * `pids [..]` once the `run` jobs have been sent (after `warm`, half a second later, so they
 * are in the middle of them), then each outcome (`ok <tables>` or `failed <message>`) and `done`.
 * On SIGINT it waits for the jobs, closes the pool and exits; it never runs longer than 60 s.
 */
import { readFileSync } from 'node:fs';
import { WorkerPoolExecutor } from '../../src/run/executor.js';
import type { Job } from '../../src/run/plan.js';

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { warm?: Job; run: Job };
const pool = new WorkerPoolExecutor({ size: 2, kind: 'process' });
const guard = setTimeout(() => process.exit(3), 60_000);
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
});
if (jobs.warm) await Promise.all([pool.execute(jobs.warm), pool.execute(jobs.warm)]);
const running = [pool.execute(jobs.run), pool.execute(jobs.run)].map((p) =>
  p.then(
    (o) => `ok ${Object.keys(o.rows).length}`,
    (e: Error) => `failed ${e.message}`,
  ),
);
if (jobs.warm) await new Promise((r) => setTimeout(r, 500));
process.stdout.write(`pids ${JSON.stringify(pool.workerPids())}\n`);
const results = await Promise.all(running);
for (const r of results) process.stdout.write(`${r}\n`);
process.stdout.write(`done${interrupted ? ' interrupted' : ''}\n`);
await pool.close();
clearTimeout(guard);
