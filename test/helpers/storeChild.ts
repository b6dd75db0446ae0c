/**
 * A second process for the results-store tests (test/run/store.test.ts), run with tsx:
 * - `hold <store>`: opens the store for writing, prints "ready", and keeps it open until stdin
 *   closes (another process holding the file);
 * - `commit <store> <jobs> <rows>`: commits jobs one after another, each with <rows> measures,
 *   printing "committed <k>" after each (the parent kills it at some point).
 */
import { openStore } from '../../src/run/store.js';

const [mode, path, jobsText, rowsText] = process.argv.slice(2);

if (mode === 'hold') {
  const store = await openStore(path);
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    void store.close().then(() => process.exit(0));
  });
} else if (mode === 'commit') {
  const store = await openStore(path);
  const jobs = Number(jobsText);
  const rows = Number(rowsText);
  for (let k = 0; k < jobs; k++) {
    const measures = Array.from({ length: rows }, (_, i) => ({
      id: `job${k}-m${i}`,
      experimentId: 'e',
      study: 'crash',
      descriptor: `job${k}`,
      group: 'all',
      repeat: 0,
      value: i,
    }));
    await store.commitJob(
      {
        id: `job${k}`,
        experimentId: 'e',
        kind: 'study:crash',
        label: `job ${k}`,
        seconds: 0,
        finishedAt: new Date().toISOString(),
        status: 'done',
      },
      { measures },
    );
    process.stdout.write(`committed ${k}\n`);
  }
  await store.close();
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(1);
}
