/**
 * A progress bar on standard error for work that takes longer than a second. It stays silent
 * when stderr is not a terminal, when --json is set, or for work that finishes within `delayMs`.
 */
export interface ProgressBar {
  /** fraction in [0, 1] and an optional short label */
  update(fraction: number, label?: string): void;
  done(): void;
}

export interface ProgressOptions {
  label: string;
  enabled?: boolean;
  delayMs?: number;
  stream?: NodeJS.WriteStream;
}

export function progressBar(options: ProgressOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const enabled = (options.enabled ?? true) && Boolean(stream.isTTY);
  const start = Date.now();
  const delay = options.delayMs ?? 1000;
  let lastDraw = 0;
  let drawn = false;
  const width = 30;
  return {
    update(fraction: number, label?: string) {
      if (!enabled) return;
      const now = Date.now();
      if (now - start < delay || now - lastDraw < 100) return;
      lastDraw = now;
      drawn = true;
      const f = Math.max(0, Math.min(1, fraction));
      const filled = Math.round(f * width);
      const secs = ((now - start) / 1000).toFixed(1);
      stream.write(
        `\r${options.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(f * 100).toFixed(0)}% ${secs}s ${label ?? ''}\x1b[K`,
      );
    },
    done() {
      if (enabled && drawn) stream.write('\r\x1b[K');
    },
  };
}
