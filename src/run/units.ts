/**
 * Regroups a plan into one unit of work per network (docs/sweeps.md, "One job per network"):
 * the network's train job, capture job and per-network study jobs become the parts of one
 * `network` job, which needs nothing else; the studies over several networks (Ricci flow's pooled
 * correlation, generalization, layer and architecture comparison) stay separate jobs that need the
 * units and run where the coordinator is. The parts keep their ids, so a unit's rows are the rows
 * the separate jobs would have written, and a store filled either way is resumed either way.
 */
import { contentHash } from './hash.js';
import type { Job, NetworkUnitJob, PartJob, Plan } from './plan.js';

export interface UnitOptions {
  /** Units send their model and cloud files back in their result (queue workers on other
   * machines) instead of writing them beside the store (default true). */
  ship?: boolean;
}

/** `plan` with one `network` job per network in place of its train, capture and per-network
 * study jobs. */
export function networkUnits(plan: Plan, options: UnitOptions = {}): Plan {
  const ship = options.ship ?? true;
  const byNetwork = new Map<string, PartJob[]>();
  const partOf = new Map<string, string>(); // part id -> networkId
  const add = (networkId: string, j: PartJob) => {
    const list = byNetwork.get(networkId) ?? [];
    if (!byNetwork.has(networkId)) byNetwork.set(networkId, list);
    list.push(j);
    partOf.set(j.id, networkId);
  };
  const rest: PartJob[] = [];
  for (const j of plan.jobs) {
    if (j.kind === 'network') throw new Error('internal: the plan is already in units');
    if (j.kind === 'train' || j.kind === 'capture') add(j.networkId, j);
    else if (j.inputs.length === 1 && j.deps.every((d) => partOf.has(d)))
      add(j.inputs[0].networkId, j);
    else rest.push(j);
  }
  const units = new Map<string, NetworkUnitJob>();
  for (const [networkId, parts] of byNetwork) {
    const capture = parts.find((p) => p.kind === 'capture');
    const name = capture?.kind === 'capture' ? capture.network.name : networkId.slice(0, 12);
    units.set(networkId, {
      id: contentHash({ what: 'network unit', parts: parts.map((p) => p.id), ship }),
      experimentId: plan.experimentId,
      kind: 'network',
      label: `network ${name}`,
      deps: [],
      networkId,
      parts,
      ship,
    });
  }
  const unitOf = (dep: string) => {
    const n = partOf.get(dep);
    return n === undefined ? dep : units.get(n)!.id;
  };
  const jobs: Job[] = [
    ...units.values(),
    ...rest.map((j) => ({ ...j, deps: [...new Set(j.deps.map(unitOf))] })),
  ];
  return { ...plan, jobs };
}
