/**
 * Reference tools installed from Debian (never runtime dependencies): Ripser, GUDHI, NumPy,
 * scikit-learn, PyTorch, R with igraph. A test that needs one calls `requireTool`:
 * - in CI (CI=true) a missing tool makes the test FAIL, naming the Debian package to install;
 * - elsewhere the test is skipped with the same message.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'vitest';

export const PYTHON = '/usr/bin/python3';

interface ToolSpec {
  check: () => boolean;
  install: string;
}

const tools: Record<string, ToolSpec> = {
  ripser: { check: () => onPath('ripser'), install: 'apt-get install -y ripser' },
  gudhi: { check: () => pythonHas('gudhi'), install: 'apt-get install -y python3-gudhi' },
  numpy: { check: () => pythonHas('numpy'), install: 'apt-get install -y python3-numpy' },
  scipy: { check: () => pythonHas('scipy.stats'), install: 'apt-get install -y python3-scipy' },
  sklearn: { check: () => pythonHas('sklearn'), install: 'apt-get install -y python3-sklearn' },
  torch: { check: () => pythonHas('torch'), install: 'apt-get install -y python3-torch' },
  torchvision: {
    check: () => pythonHas('torchvision'),
    install: 'apt-get install -y python3-torchvision',
  },
  igraph: {
    check: () => onPath('Rscript') && spawnSync('Rscript', ['-e', 'library(igraph)']).status === 0,
    install: 'apt-get install -y r-cran-igraph',
  },
  chromium: {
    check: () => existsSync('/usr/bin/chromium'),
    install: 'apt-get install -y chromium',
  },
  fashionmnist: {
    check: () => existsSync('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz'),
    install: 'apt-get install -y dataset-fashion-mnist',
  },
};

const cache = new Map<string, boolean>();

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function pythonHas(module: string): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', `import ${module}`]).status === 0;
}

export function hasTool(name: keyof typeof tools): boolean {
  if (!cache.has(name)) cache.set(name, tools[name].check());
  return cache.get(name)!;
}

/**
 * Call at the start of a test. Returns normally when the tool is there; otherwise fails the test
 * in CI and skips it elsewhere.
 */
export function requireTool(ctx: TestContext, name: keyof typeof tools): void {
  if (hasTool(name)) return;
  const message = `this test needs ${name}: ${tools[name].install}`;
  if (process.env.CI) throw new Error(`${message} (missing in CI)`);
  console.warn(`skipping: ${message}`);
  ctx.skip();
}

/** Runs a Python snippet with /usr/bin/python3, feeding `input` on stdin; returns stdout. */
export function runPython(code: string, input = ''): string {
  return execFileSync(PYTHON, ['-c', code], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
}
