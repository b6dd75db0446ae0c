import { mapper } from '/work/main/.worktrees/mapperid/src/mapper/mapper.js';
import { coordinateLens } from '/work/main/.worktrees/mapperid/src/mapper/lenses.js';
import { buildCover } from '/work/main/.worktrees/mapperid/src/mapper/cover.js';
import { makeShape, expected, type Shape } from '/tmp/mid/shapes.ts';

const K = 4;
function elementStats(cloud: { data: Float64Array; rows: number; cols: number }, members: Int32Array) {
  const m = members.length, d = cloud.cols;
  const D = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) {
    let s = 0;
    for (let t = 0; t < d; t++) { const x = cloud.data[members[a] * d + t] - cloud.data[members[b] * d + t]; s += x * x; }
    D[a * m + b] = D[b * m + a] = Math.sqrt(s);
  }
  const kd = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const row = Array.from(D.subarray(a * m, a * m + m)); row.splice(a, 1); row.sort((x, y) => x - y);
    kd[a] = row.length >= K ? row[K - 1] : Infinity;
  }
  // Prim on mutual reachability
  const inTree = new Uint8Array(m); const best = new Float64Array(m).fill(Infinity); const edges: number[] = [];
  const nn = new Float64Array(m).fill(Infinity);
  best[0] = 0;
  for (let it = 0; it < m; it++) {
    let u = -1; for (let v = 0; v < m; v++) if (!inTree[v] && (u < 0 || best[v] < best[u])) u = v;
    inTree[u] = 1; if (it > 0) edges.push(best[u]);
    for (let v = 0; v < m; v++) if (!inTree[v]) { const w = Math.max(kd[u], kd[v], D[u * m + v]); if (w < best[v]) best[v] = w; }
  }
  const plain: number[] = []; // plain MST too
  {
    const inT = new Uint8Array(m); const b2 = new Float64Array(m).fill(Infinity); b2[0] = 0;
    for (let it = 0; it < m; it++) {
      let u = -1; for (let v = 0; v < m; v++) if (!inT[v] && (u < 0 || b2[v] < b2[u])) u = v;
      inT[u] = 1; if (it > 0) plain.push(b2[u]);
      for (let v = 0; v < m; v++) if (!inT[v] && D[u * m + v] < b2[v]) b2[v] = D[u * m + v];
    }
  }
  for (let a = 0; a < m; a++) { let s = Infinity; for (let b = 0; b < m; b++) if (b !== a && D[a * m + b] < s) s = D[a * m + b]; nn[a] = s; }
  return { kd: Array.from(kd).filter(Number.isFinite), mst: edges, plain, nn: Array.from(nn) };
}
const q = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
function gapRule(edges: number[], mode: 'low' | 'mid', from = 0) {
  const s = edges.filter((x) => x > 0).sort((a, b) => a - b);
  let g = -1, bestR = 0;
  for (let i = Math.floor(from * s.length); i + 1 < s.length; i++) { const r = s[i + 1] / s[i]; if (r > bestR) { bestR = r; g = i; } }
  if (g < 0 || bestR < 2) return s[s.length - 1] * 1.0001;
  return mode === 'low' ? s[g] : Math.sqrt(s[g] * s[g + 1]);
}
const shapes: Shape[] = (process.env.SHAPES?.split(',') as Shape[]) ?? ['circle', 'twoCircles', 'twoCirclesUneven', 'figureEight', 'line'];
const ns = (process.env.NS ?? '200,500,1000,2000').split(',').map(Number);
const noises = (process.env.NOISES ?? '0.01,0.03,0.06').split(',').map(Number);
const seeds = (process.env.SEEDS ?? '1,2').split(',').map(Number);
const intervals = Number(process.env.INTERVALS ?? 8), overlap = Number(process.env.OVERLAP ?? 0.3);
const dims = Number(process.env.DIMS ?? 2);
const rules = (process.env.RULES ?? 'knee,med3,med4,max,max1.5,gapLow,gapMid,gapLow50,gapMid50,gapLowPlain').split(',');
const score: Record<string, number> = {}; const margins: Record<string, number[]> = {}; const total = { n: 0 };
const lines: string[] = [];
for (const shape of shapes) for (const n of ns) for (const noise of noises) for (const seed of seeds) {
  const cloud = makeShape(shape, n, noise, seed, dims);
  const lens = coordinateLens(cloud, 0);
  const cover = buildCover(lens, { intervals, overlap });
  const kd: number[] = [], mst: number[] = [], plain: number[] = [], nn: number[] = [];
  for (const e of cover.elements) { if (e.members.length <= K) continue; const st = elementStats(cloud, e.members); kd.push(...st.kd); mst.push(...st.mst); plain.push(...st.plain); nn.push(...st.nn); }
  kd.sort((a, b) => a - b); nn.sort((a, b) => a - b);
  const med = q(kd, 0.5);
  const epsOf: Record<string, number | undefined> = {
    knee: undefined, med2: 2 * med, med3: 3 * med, 'q90x1.5': 1.5 * q(kd, 0.9), q95: q(kd, 0.95), q99: q(kd, 0.99), max: kd[kd.length - 1],
    gapLow: gapRule(mst, 'low'), gapMid: gapRule(mst, 'mid'), gapLowPlain: gapRule(plain, 'low'), nnMax2: 2 * nn[nn.length - 1],
    med4: 4 * med, 'max1.5': 1.5 * kd[kd.length - 1], gapLow50: gapRule(mst, 'low', 0.5), gapMid50: gapRule(mst, 'mid', 0.5),
  };
  for (const r of rules) { const mm = /^q([0-9.]+)x([0-9.]+)$/.exec(r); if (mm) epsOf[r] = Number(mm[2]) * q(kd, Number(mm[1])); }
  const cells: string[] = [];
  total.n++;
  let any = false;
  const grid: { e: number; ok: boolean }[] = [];
  for (let j = 0; j < 64; j++) {
    const e = 0.005 * Math.pow(400, j / 63);
    const g = mapper(cloud, { lens, intervals, overlap, eps: e, layoutIterations: 1 });
    const s = g.summary;
    const ok = s.components === expected[shape].components && s.edges - s.nodes + s.components === expected[shape].cycles;
    grid.push({ e, ok }); any ||= ok;
  }
  const margin = (e: number) => { // factor to the nearest failing grid eps (1 if e itself fails)
    let lo = 0, hi = Infinity;
    for (const p of grid) if (!p.ok) { if (p.e <= e) lo = Math.max(lo, p.e); else hi = Math.min(hi, p.e); }
    return Math.min(e / lo, hi / e);
  };
  score.any = (score.any ?? 0) + (any ? 1 : 0);
  cells.push(any ? 'possible' : 'IMPOSSIBLE');
  for (const r of rules) {
    const g = mapper(cloud, { lens, intervals, overlap, eps: epsOf[r], layoutIterations: 1 });
    const s = g.summary; const cyc = s.edges - s.nodes + s.components;
    const ok = s.components === expected[shape].components && cyc === expected[shape].cycles;
    score[r] = (score[r] ?? 0) + (ok ? 1 : 0);
    const mg = ok ? margin(g.clusterer.eps!.eps) : 1;
    (margins[r] ??= []).push(mg);
    cells.push(`${r}:${ok ? 'ok' : 'XX'} ${s.components}c${cyc}y${s.nodes}n e=${(g.clusterer.eps!.eps).toFixed(3)}`);
  }
  lines.push(`${shape} n=${n} noise=${noise} seed=${seed} | ${cells.join(' | ')}`);
}
console.log(lines.join('\n'));
console.log('score of', total.n, JSON.stringify(score));
for (const r of rules) { const m = margins[r].slice().sort((a, b) => a - b); console.log(r, 'margin p10', m[Math.floor(0.1 * m.length)].toFixed(2), 'median', m[Math.floor(0.5 * m.length)].toFixed(2)); }
