/**
 * bench:sweep's A/B worker (`-- --ab-share`): a queue worker as `topolens worker` starts it, but
 * with the size from which shipped files go by content hash given on the command line
 * (`Infinity`: every file inline in the result, as before the sharing), so the same run measures
 * the queue's overhead per unit with and without it. Usage: tsx bench/sweepWorker.ts URL BYTES
 */
import { startQueueWorker } from '../src/run/queue/queueWorker.js';

const [url, from] = process.argv.slice(2);
const handle = await startQueueWorker({ url, shareFilesFromBytes: Number(from) });
process.on('SIGTERM', () => void handle.close().catch(() => undefined));
await handle.stopped;
