import { createRng } from '../src/core/rng.js';
import { matrix, type Matrix } from '../src/core/matrix.js';
import { knnGraph } from '../src/geometry/knnGraph.js';
import { hopDistances } from '../src/geometry/shortestPaths.js';
import { underlyingUndirected } from '../src/geometry/graph.js';
const n = 2000, k = 300, width = 50;
const rng = createRng(7);
const X = new Float64Array(n * 3);
for (let i = 0; i < n; i++) { const c = i % 2; const t = 0.5 + 3 * rng.next();
  X[i*3] = t*Math.cos(2*t+Math.PI*c)+0.1*rng.normal(); X[i*3+1] = t*Math.sin(2*t+Math.PI*c)+0.1*rng.normal(); X[i*3+2]=0.5*t+0.1*rng.normal(); }
const L: Matrix[] = [matrix(X, n, 3)];
let cur = X, p = 3;
for (let l = 0; l < 2; l++) { const W = Float64Array.from({length:p*width},()=>rng.normal()*Math.sqrt(2/p)); const b = Float64Array.from({length:width},()=>0.1*rng.normal());
  const nx = new Float64Array(n*width); for (let i=0;i<n;i++) for (let o=0;o<width;o++){ let s=b[o]; for (let a=0;a<p;a++) s+=cur[i*p+a]*W[a*width+o]; nx[i*width+o]=s>0?s:0;} L.push(matrix(nx,n,width)); cur=nx; p=width; }
for (const X of L) for (const W of [Number(process.env.W ?? 4)]) {
  let t = performance.now(); const g = knnGraph(X, { k }); const tk = performance.now() - t;
  t = performance.now(); const h = hopDistances(g, { wordsPerNode: W }); const th = performance.now() - t;
  console.log(`d=${X.cols} W=${W} knn ${tk.toFixed(0)} ms, hops ${th.toFixed(0)} ms, wordOps ${(h.wordOps/1e6).toFixed(1)} M, diameter ${h.diameter}`);
}
