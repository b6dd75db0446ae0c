/**
 * A coordinator for executor.test.ts, run as its own process (`node --import tsx`): starts a
 * pool of 2 process workers on the capture job of `<plan.json>`, twice, prints the workers'
 * process ids as `pids [..]`, then each outcome (`ok <rows>` or `failed <message>`) and `done`.
 * On SIGINT it waits for the jobs, closes the pool and exits; it never runs longer than 60 s.
 */
import { readFileSync } from 'node:fs';
import { WorkerPoolExecutor } from '../../src/run/executor.js';
import type { Job } from '../../src/run/plan.js';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Job;
const pool = new WorkerPoolExecutor({ size: 2, kind: 'process' });
const guard = setTimeout(() => process.exit(3), 60_000);
const jobs = [pool.execute(job), pool.execute(job)].map((p) =>
  p.then(
    (o) => `ok ${Object.keys(o.rows).length}`,
    (e: Error) => `failed ${e.message}`,
  ),
);
process.stdout.write(`pids ${JSON.stringify(pool.workerPids())}\n`);
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
});
const results = await Promise.all(jobs);
for (const r of results) process.stdout.write(`${r}\n`);
process.stdout.write(`done${interrupted ? ' interrupted' : ''}\n`);
await pool.close();
clearTimeout(guard);
