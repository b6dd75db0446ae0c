"""The reference Mapper pipeline for bench/mapper.ts: numpy lens + KeplerMapper cover +
scikit-learn DBSCAN per interval + nerve. Usage: mapper_sklearn.py cloud.npy eps min_samples
n_intervals overlap. Prints one JSON line: seconds (pipeline only, after loading), CPU seconds (all threads), nodes, edges,
noise assignments, element sizes, sklearn version."""
import json, sys, time
import numpy as np
import sklearn
from sklearn.cluster import DBSCAN

path, eps, min_samples, n, p = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
X = np.load(path)
t0 = time.perf_counter()
c0 = time.process_time()
lens = np.linalg.norm(X.astype(np.float64), axis=1)
lo, hi = lens.min(), lens.max()
rng_ = hi - lo
centres = np.linspace(lo + rng_ / (2 * n), hi - rng_ / (2 * n), n)
r = rng_ / (2 * n * (1 - p))
nodes = []
noise = 0
sizes = []
for k, c in enumerate(centres):
    lower, upper = c - r, c + r
    if k == 0: lower = min(lower, lo)
    if k == n - 1: upper = max(upper, hi)
    idx = np.nonzero((lens >= lower) & (lens <= upper))[0]
    sizes.append(int(idx.size))
    if idx.size == 0:
        continue
    labels = DBSCAN(eps=eps, min_samples=min_samples).fit(X[idx]).labels_
    noise += int((labels < 0).sum())
    for l in np.unique(labels[labels >= 0]):
        nodes.append(set(idx[labels == l].tolist()))
edges = 0
point_nodes = {}
for v, members in enumerate(nodes):
    for i in members:
        point_nodes.setdefault(i, []).append(v)
pairs = set()
for vs in point_nodes.values():
    for a in range(len(vs)):
        for b in range(a + 1, len(vs)):
            pairs.add((vs[a], vs[b]))
seconds = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({"seconds": seconds, "cpu": cpu, "nodes": len(nodes), "edges": len(pairs), "noise": noise,
                  "sizes": sizes, "sklearn": sklearn.__version__}))
