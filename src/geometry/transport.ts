/**
 * Optimal transport between two discrete distributions with a cost matrix: the Wasserstein-1
 * distance W1(mu, nu) = min over couplings P of <P, C>.
 *
 * - `exactTransportCost`: exact, by successive shortest paths with node potentials (dense
 *   Dijkstra on the bipartite residual network). Every augmentation empties a supply, fills a
 *   demand or cancels a flow, so the work is O((a + b) x a x b) per problem: meant for small
 *   supports (hundreds of points).
 * - `sinkhornTransportCost`: entropic regularisation (log-domain Sinkhorn), returns <P, C> of the
 *   regularised plan, which is above W1 by O(epsilon log(support)); for large supports.
 */
import { invalidInput } from '../core/errors.js';

const EPS = 1e-12;

function checkMasses(mu: Float64Array, nu: Float64Array, cost: Float64Array): void {
  if (cost.length !== mu.length * nu.length) {
    throw invalidInput(`cost has ${cost.length} entries, expected ${mu.length} x ${nu.length}.`);
  }
  let a = 0;
  let b = 0;
  for (const v of mu) a += v;
  for (const v of nu) b += v;
  if (Math.abs(a - b) > 1e-9 * Math.max(1, a)) {
    throw invalidInput(`the two distributions have masses ${a} and ${b}; they must be equal.`);
  }
}

/** Exact W1 = min <P, C>; cost is row-major a x b (a = mu.length, b = nu.length). */
export function exactTransportCost(mu: Float64Array, nu: Float64Array, cost: Float64Array): number {
  checkMasses(mu, nu, cost);
  const a = mu.length;
  const b = nu.length;
  const supply = Float64Array.from(mu);
  const demand = Float64Array.from(nu);
  const flow = new Float64Array(a * b);
  // potentials: nodes 0..a-1 sources, a..a+b-1 sinks
  const V = a + b;
  const pot = new Float64Array(V);
  const dist = new Float64Array(V);
  const pred = new Int32Array(V);
  const fixed = new Uint8Array(V);
  let total = 0;
  for (let iter = 0; iter < 4 * (a + b) * (a + b) + 100; iter++) {
    let anySupply = false;
    for (let i = 0; i < a; i++) if (supply[i] > EPS) anySupply = true;
    if (!anySupply) break;
    dist.fill(Infinity);
    pred.fill(-1);
    fixed.fill(0);
    for (let i = 0; i < a; i++) if (supply[i] > EPS) dist[i] = 0;
    // dense Dijkstra on reduced costs
    let target = -1;
    while (true) {
      let v = -1;
      let best = Infinity;
      for (let x = 0; x < V; x++) {
        if (!fixed[x] && dist[x] < best) {
          best = dist[x];
          v = x;
        }
      }
      if (v < 0) break;
      fixed[v] = 1;
      if (v >= a && demand[v - a] > EPS) {
        target = v;
        break;
      }
      if (v < a) {
        const row = v * b;
        for (let j = 0; j < b; j++) {
          const w = a + j;
          if (fixed[w]) continue;
          const rc = cost[row + j] + pot[v] - pot[w];
          const nd = best + Math.max(0, rc);
          if (nd < dist[w]) {
            dist[w] = nd;
            pred[w] = v;
          }
        }
      } else {
        const j = v - a;
        for (let i = 0; i < a; i++) {
          if (fixed[i] || flow[i * b + j] <= EPS) continue;
          const rc = -cost[i * b + j] + pot[v] - pot[i];
          const nd = best + Math.max(0, rc);
          if (nd < dist[i]) {
            dist[i] = nd;
            pred[i] = v;
          }
        }
      }
    }
    if (target < 0) throw new Error('exactTransportCost: no augmenting path (internal error)');
    const dt = dist[target];
    for (let x = 0; x < V; x++) pot[x] += Math.min(dist[x], dt);
    // bottleneck
    let amount = demand[target - a];
    let v = target;
    while (pred[v] >= 0) {
      const p = pred[v];
      if (v < a) amount = Math.min(amount, flow[v * b + (p - a)]); // backward arc p(sink) -> v
      v = p;
    }
    amount = Math.min(amount, supply[v]);
    demand[target - a] -= amount;
    supply[v] -= amount;
    v = target;
    while (pred[v] >= 0) {
      const p = pred[v];
      if (v >= a) flow[p * b + (v - a)] += amount;
      else flow[v * b + (p - a)] -= amount;
      v = p;
    }
  }
  for (let t = 0; t < a * b; t++) if (flow[t] > 0) total += flow[t] * cost[t];
  return total;
}

export interface SinkhornOptions {
  /** entropic regularisation, default 0.01 (in cost units) */
  epsilon?: number;
  /** iteration cap, default 2000 */
  maxIterations?: number;
  /** stop when the marginal error (l1) falls below this, default 1e-9 */
  tolerance?: number;
}

/** Entropic OT cost <P_eps, C> by log-domain Sinkhorn iterations. */
export function sinkhornTransportCost(
  mu: Float64Array,
  nu: Float64Array,
  cost: Float64Array,
  options: SinkhornOptions = {},
): number {
  checkMasses(mu, nu, cost);
  const eps = options.epsilon ?? 0.01;
  const maxIt = options.maxIterations ?? 2000;
  const tol = options.tolerance ?? 1e-9;
  const a = mu.length;
  const b = nu.length;
  const logMu = mu.map((v) => Math.log(v));
  const logNu = nu.map((v) => Math.log(v));
  const f = new Float64Array(a);
  const g = new Float64Array(b);
  const lse = (vals: (t: number) => number, len: number) => {
    let m = -Infinity;
    for (let t = 0; t < len; t++) m = Math.max(m, vals(t));
    if (m === -Infinity) return -Infinity;
    let s = 0;
    for (let t = 0; t < len; t++) s += Math.exp(vals(t) - m);
    return m + Math.log(s);
  };
  for (let it = 0; it < maxIt; it++) {
    for (let i = 0; i < a; i++) {
      f[i] = eps * logMu[i] - eps * lse((j) => (g[j] - cost[i * b + j]) / eps, b);
    }
    let err = 0;
    for (let j = 0; j < b; j++) {
      const col = lse((i) => (f[i] - cost[i * b + j]) / eps, a);
      err += Math.abs(Math.exp(col + g[j] / eps) - nu[j]);
      g[j] = eps * logNu[j] - eps * col;
    }
    if (err < tol) break;
  }
  let total = 0;
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      total += Math.exp((f[i] + g[j] - cost[i * b + j]) / eps) * cost[i * b + j];
    }
  }
  return total;
}
