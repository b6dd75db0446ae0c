import { diagram } from '../src/core/diagram.js';
import { wassersteinDistance } from '../src/homology/wasserstein.js';
import { createRng } from '../src/core/rng.js';
const rng = createRng(3);
function rand(n: number) { const bars: [number,number][] = []; for (let i=0;i<n;i++){ const b = rng.next(); bars.push([b, b + rng.next()]);} return bars; }
const A = diagram(1, rand(2000)), B = diagram(1, rand(2003));
const t = performance.now();
console.log(wassersteinDistance(A, B, { p: 1 }), performance.now() - t);
for (const [p, q] of [[2, Infinity]]) {
  const t2 = performance.now();
  const d = wassersteinDistance(A, B, { p, q });
  console.log(p, q, d, (performance.now() - t2).toFixed(0), 'ms');
}
{
  let cnt = 0;
  for (let i = 0; i < 2000; i++) for (let j = 0; j < 2003; j++) {
    const dx = Math.abs(A.births[i]-B.births[j]), dy = Math.abs(A.deaths[i]-B.deaths[j]);
    const c = Math.max(dx, dy) ** 2; const da = ((A.deaths[i]-A.births[i])/2)**2, db = ((B.deaths[j]-B.births[j])/2)**2;
    if (c < da + db) cnt++;
  }
  console.log('useful edges p=2 qinf', cnt);
}
