/**
 * A real redis-server for a test file: Debian's package started on a free loopback port (no
 * persistence, its files in `dir`) and stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const haveRedis = existsSync(REDIS_SERVER);

export interface RedisServer {
  url: string;
  proc: ChildProcess;
  stop(): void;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Starts a redis-server and waits (at most 5 s) until it answers. */
export async function startRedis(dir: string): Promise<RedisServer> {
  const port = await freePort();
  const proc = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore', cwd: dir },
  );
  const url = `redis://127.0.0.1:${port}`;
  const server: RedisServer = {
    url,
    proc,
    stop: () => {
      if (proc.pid && proc.exitCode === null && proc.signalCode === null)
        process.kill(proc.pid, 'SIGKILL');
    },
  };
  for (let i = 0; i < 100; i++) {
    const r = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => undefined);
    const ok = await r.connect().then(
      () => r.ping().then(() => true),
      () => false,
    );
    r.disconnect();
    if (ok) return server;
    await new Promise((w) => setTimeout(w, 50));
  }
  server.stop();
  throw new Error(`redis-server did not answer on ${url} within 5 s`);
}
