/**
 * The Rips memory guard against real runs: for fixture cases (test/fixtures/ph/cases.json), one
 * fresh child process each (bench/ph-child.ts) reports its peak RSS above the baseline after
 * reading the cloud, and the estimate the guard checked (`stats.estimatedMemoryBytes`). Prints a
 * markdown table with the ratio estimate / measured, recorded in docs/persistent-homology.md.
 * Default: the cases Ripser did in under 10 s; `--only <substring>` picks cases by name instead
 * (any duration).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Case {
  cloud: string;
  maxdim: number;
  threshold_kind: string;
  threshold: string | null;
  ripser_wall_s: number;
}

const root = new URL('../', import.meta.url).pathname;
const fixtures = `${root}test/fixtures/ph/`;
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const cases = (JSON.parse(readFileSync(fixtures + 'cases.json', 'utf8')) as Case[]).filter((c) =>
  only === undefined
    ? c.ripser_wall_s < 10
    : `${c.cloud}_dim${c.maxdim}_${c.threshold_kind}`.includes(only),
);

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
console.log(
  '| case | edges | collapse | columns | wall s | measured MiB | estimate MiB | estimate / measured |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const c of cases) {
  const args = [`${root}bench/ph-child.ts`, `${fixtures}${c.cloud}.txt`, String(c.maxdim)];
  if (c.threshold !== null) args.push(c.threshold);
  const r = spawnSync(`${root}node_modules/.bin/tsx`, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ph-child failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    wallS: number;
    maxRssKB: number;
    baselineRssKB: number;
    stats: {
      edges: number;
      columnsReduced: number;
      estimatedMemoryBytes: number;
      collapse: { applied: boolean };
    };
  };
  const measured = (out.maxRssKB - out.baselineRssKB) * 1024;
  const s = out.stats;
  console.log(
    `| ${c.cloud} dim${c.maxdim} ${c.threshold_kind} | ${s.edges} | ${s.collapse.applied ? 'yes' : 'no'} | ${s.columnsReduced} | ${out.wallS.toFixed(1)} | ${mib(measured)} | ${mib(s.estimatedMemoryBytes)} | ${(s.estimatedMemoryBytes / measured).toFixed(2)} |`,
  );
}
