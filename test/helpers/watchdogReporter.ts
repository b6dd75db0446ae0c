/**
 * Vitest reporter: every WATCH_INTERVAL_MS it names the test files that have been running longer
 * than that, with their time so far, on stderr. A run that stalls (a child that never ends, a worker
 * that cannot exit) then says where in CI's log instead of going silent until CI's time limit.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { relative } from 'node:path';

/** TOPOLENS_WATCHDOG_MS sets another interval (its own test uses a second). */
const WATCH_INTERVAL_MS = Number(process.env.TOPOLENS_WATCHDOG_MS) || 5 * 60_000;

export default class WatchdogReporter implements Reporter {
  private readonly running = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private root = process.cwd();

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.timer = setInterval(() => this.report(), WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  onTestModuleStart(module: TestModule): void {
    this.running.set(module.moduleId, Date.now());
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.moduleId);
  }

  onTestRunEnd(): void {
    if (this.timer) clearInterval(this.timer);
    this.running.clear();
  }

  private report(): void {
    const now = Date.now();
    for (const [id, started] of this.running) {
      if (now - started < WATCH_INTERVAL_MS) continue;
      const seconds = Math.round((now - started) / 1000);
      process.stderr.write(
        `watchdog: ${relative(this.root, id)} has been running for ${seconds} s\n`,
      );
    }
  }
}
