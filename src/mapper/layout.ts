/**
 * A deterministic layout of a graph in the frame [-1, 1]^2 that uses the plane: each connected
 * component is laid out on its own by a seeded Fruchterman-Reingold force layout (Fruchterman &
 * Reingold 1991) without walls, and the components are then packed side by side in cells whose
 * area is proportional to their node counts, the whole scaled to fill the frame inside a margin.
 *
 * Why not one force layout clamped to the frame: repulsion pushes the components of a Mapper
 * graph (often dozens of small ones) apart until they stick to the frame's walls; on the noisy
 * circle of the report issue 28 of 34 nodes ended on the frame's edge. Here no node can touch
 * the frame: every node lies inside its component's cell, and cells keep a margin.
 *
 * Per component of V nodes: initial positions uniform in [-1, 1]^2 from `createRng(seed)`
 * (one generator for the whole graph, drawn in node order); then `iterations` (default 300)
 * rounds of repulsion k^2 / d between every pair, attraction d^2 / k along every edge
 * (k = 2 / sqrt(V)), a weak pull towards the centre that keeps nodes from drifting, and a
 * displacement capped by a temperature falling linearly from 0.2 to 0. Components are packed
 * largest first (ties: smallest node id) in shelves, row by row, the number of columns chosen to
 * make the packing close to square. Only deterministic arithmetic in a fixed order: the same graph
 * and seed give bit-identical coordinates, which are then rounded to 6 decimals.
 */
import { createRng, type Rng } from '../core/rng.js';
import { findRoot, labelSets, singletonSets } from '../core/disjointSets.js';

export interface LayoutOptions {
  /** Seed of the initial placement, default 0. */
  seed?: number;
  /** Number of force rounds, default 300. */
  iterations?: number;
  /** Empty space kept between the outermost cells and the frame, as a fraction of the frame's
   * half-width, default 0.05. */
  margin?: number;
}

type Edge = readonly [number, number] | readonly [number, number, number];

/** Force layout of one component (its nodes given by global id) in its own unbounded plane;
 * returns coordinates centred on the bounding box and scaled to a half-extent of at most 1. */
function layoutComponent(
  nodes: Int32Array,
  localEdges: [number, number][],
  start: Float64Array,
  iterations: number,
): { x: Float64Array; y: Float64Array } {
  const V = nodes.length;
  const x = new Float64Array(V);
  const y = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    x[v] = start[2 * v];
    y[v] = start[2 * v + 1];
  }
  if (V === 1) {
    x[0] = 0;
    y[0] = 0;
    return { x, y };
  }
  const k = 2 / Math.sqrt(V);
  const k2 = k * k;
  const gravity = 0.05 / Math.sqrt(V);
  const dx = new Float64Array(V);
  const dy = new Float64Array(V);
  for (let it = 0; it < iterations; it++) {
    dx.fill(0);
    dy.fill(0);
    for (let a = 0; a < V; a++) {
      for (let b = a + 1; b < V; b++) {
        let ex = x[a] - x[b];
        let ey = y[a] - y[b];
        let dist2 = ex * ex + ey * ey;
        if (dist2 < 1e-18) {
          // coincident: push apart along a fixed direction that depends on the pair
          ex = 1e-6 * (((a * 31 + b * 17) % 7) - 3 || 1);
          ey = 1e-6;
          dist2 = ex * ex + ey * ey;
        }
        const f = k2 / dist2; // (k^2 / d) / d
        dx[a] += ex * f;
        dy[a] += ey * f;
        dx[b] -= ex * f;
        dy[b] -= ey * f;
      }
    }
    for (const [a, b] of localEdges) {
      const ex = x[a] - x[b];
      const ey = y[a] - y[b];
      const dist = Math.sqrt(ex * ex + ey * ey);
      const f = dist / k; // (d^2 / k) / d
      dx[a] -= ex * f;
      dy[a] -= ey * f;
      dx[b] += ex * f;
      dy[b] += ey * f;
    }
    const temperature = 0.2 * (1 - it / iterations);
    for (let v = 0; v < V; v++) {
      dx[v] -= gravity * x[v] * V;
      dy[v] -= gravity * y[v] * V;
      const len = Math.sqrt(dx[v] * dx[v] + dy[v] * dy[v]);
      if (len > 0) {
        const step = Math.min(len, temperature) / len;
        x[v] += dx[v] * step;
        y[v] += dy[v] * step;
      }
    }
  }
  // centre on the bounding box, scale the larger half-extent to 1
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let v = 0; v < V; v++) {
    x0 = Math.min(x0, x[v]);
    x1 = Math.max(x1, x[v]);
    y0 = Math.min(y0, y[v]);
    y1 = Math.max(y1, y[v]);
  }
  const half = Math.max(x1 - x0, y1 - y0) / 2 || 1;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  for (let v = 0; v < V; v++) {
    x[v] = (x[v] - cx) / half;
    y[v] = (y[v] - cy) / half;
  }
  return { x, y };
}

function initialPositions(V: number, rng: Rng): Float64Array {
  const start = new Float64Array(2 * V);
  for (let i = 0; i < 2 * V; i++) start[i] = rng.next() * 2 - 1;
  return start;
}

/**
 * Lays out a graph of `nodeCount` nodes (ids 0..nodeCount-1) with the given edges (a third entry,
 * a weight, is ignored) in [-1, 1]^2; see the module comment for the method.
 */
export function fruchtermanReingold(
  nodeCount: number,
  edges: ArrayLike<Edge>,
  options: LayoutOptions = {},
): { x: Float64Array; y: Float64Array } {
  const V = nodeCount;
  const x = new Float64Array(V);
  const y = new Float64Array(V);
  if (V === 0) return { x, y };
  const iterations = options.iterations ?? 300;
  const margin = options.margin ?? 0.05;
  const start = initialPositions(V, createRng(options.seed ?? 0));

  // connected components, numbered in the order of their smallest node
  const parent = singletonSets(V);
  for (let e = 0; e < edges.length; e++) {
    const ra = findRoot(parent, edges[e][0]);
    const rb = findRoot(parent, edges[e][1]);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const component = new Int32Array(V);
  const count = labelSets(parent, component);
  const sizes = new Int32Array(count);
  for (let v = 0; v < V; v++) sizes[component[v]]++;
  const members: Int32Array[] = Array.from({ length: count }, (_, c) => new Int32Array(sizes[c]));
  const local = new Int32Array(V);
  const fill = new Int32Array(count);
  for (let v = 0; v < V; v++) {
    const c = component[v];
    local[v] = fill[c];
    members[c][fill[c]++] = v;
  }
  const localEdges: [number, number][][] = Array.from({ length: count }, () => []);
  for (let e = 0; e < edges.length; e++) {
    const a = edges[e][0];
    const b = edges[e][1];
    if (a !== b) localEdges[component[a]].push([local[a], local[b]]);
  }

  // components largest first, ties by their smallest node (= component number)
  const order = Array.from({ length: count }, (_, c) => c).sort(
    (a, b) => sizes[b] - sizes[a] || a - b,
  );
  // each component gets a square cell of side sqrt(size); shelves of `columns` cells' width
  const side = order.map((c) => Math.sqrt(sizes[c]));
  const totalArea = order.reduce((s, c) => s + sizes[c], 0);
  const rowWidth = Math.max(side[0], Math.sqrt(totalArea));
  const cellX = new Float64Array(count);
  const cellY = new Float64Array(count);
  const cellSide = new Float64Array(count);
  let cursorX = 0;
  let cursorY = 0;
  let shelfHeight = 0;
  let width = 0;
  for (let i = 0; i < order.length; i++) {
    const s = side[i];
    if (cursorX > 0 && cursorX + s > rowWidth + 1e-9) {
      cursorY += shelfHeight;
      cursorX = 0;
      shelfHeight = 0;
    }
    const c = order[i];
    cellX[c] = cursorX + s / 2;
    cellY[c] = cursorY + s / 2;
    cellSide[c] = s;
    cursorX += s;
    shelfHeight = Math.max(shelfHeight, s);
    width = Math.max(width, cursorX);
  }
  const height = cursorY + shelfHeight;

  // the packing (width x height) scaled into the frame inside the margin, centred
  const inner = 1 - margin;
  const scale = (2 * inner) / Math.max(width, height);
  for (let c = 0; c < count; c++) {
    const nodes = members[c];
    const startC = new Float64Array(2 * nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      startC[2 * i] = start[2 * nodes[i]];
      startC[2 * i + 1] = start[2 * nodes[i] + 1];
    }
    const pos = layoutComponent(nodes, localEdges[c], startC, iterations);
    // keep a tenth of the cell free around the component
    const half = 0.4 * cellSide[c] * scale;
    const cx = (cellX[c] - width / 2) * scale;
    const cy = (height / 2 - cellY[c]) * scale; // first shelf at the top
    for (let i = 0; i < nodes.length; i++) {
      x[nodes[i]] = cx + pos.x[i] * half;
      y[nodes[i]] = cy + pos.y[i] * half;
    }
  }
  for (let v = 0; v < V; v++) {
    x[v] = Math.round(x[v] * 1e6) / 1e6;
    y[v] = Math.round(y[v] * 1e6) / 1e6;
  }
  return { x, y };
}
