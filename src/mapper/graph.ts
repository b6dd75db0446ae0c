/**
 * The Mapper graph as plain data: what `mapper()` returns, what `JSON.stringify` writes and
 * what a report viewer draws. Node members are original row indices (ascending).
 */
export interface MapperNode {
  /** 0..nodes-1, in cover-element order, then cluster order inside an element. */
  id: number;
  /** The cover element the cluster came from, and its grid position. */
  element: number;
  grid: number[];
  /** The cluster's label inside its element. */
  cluster: number;
  /** Row indices of the points in the node, ascending. */
  members: number[];
  size: number;
  /** Mean lens value of the members, per lens dimension. */
  meanLens: number[];
  /** Members per class label (when labels were given): label -> count. */
  classCounts?: Record<string, number>;
  /** Largest class fraction (when labels were given). */
  purity?: number;
  /** Mean of every user column over the members. */
  columns?: Record<string, number>;
  /** Connected component of the node (numbered from 0 by first node). */
  component: number;
  /** Seeded layout in [-1, 1]: each component by Fruchterman-Reingold, components packed (./layout.ts). */
  x: number;
  y: number;
}

export interface MapperEdge {
  source: number;
  target: number;
  /** Number of points the two nodes share. */
  weight: number;
}

export interface EpsChoice {
  eps: number;
  /**
   * 'given'; 'quantile' (factor x a quantile of the k-distance curve, the default rule); 'knee' or
   * 'median' (the knee rule, median when the curve has no knee). docs/mapper.md, "Choosing eps".
   */
  method: 'given' | 'quantile' | 'knee' | 'median';
  /** k of the k-distance curve (minPoints - 1, at least 1). */
  k?: number;
  /** How many points the curve was estimated from. */
  sampleSize?: number;
  /**
   * The quantile rule: q, the multiple applied (eps = factor x quantileValue), the multiple F
   * asked for (`epsFactor`), the curve's q-quantile, and the local dimension estimated from the
   * same neighbours (factor = F^(3/dimension) when it exceeds 3).
   */
  quantile?: number;
  factor?: number;
  baseFactor?: number;
  quantileValue?: number;
  dimension?: number;
  /** Kneedle's max normalised gap below the chord (knee rule). */
  strength?: number;
  /** How eps was chosen, in words (also in the summary). */
  description?: string;
}

export interface MapperSummary {
  nodes: number;
  edges: number;
  components: number;
  /** Size-weighted mean node purity (null without labels). */
  purity: number | null;
  /** (element, point) pairs labelled noise by the clusterer, summed over elements. */
  noiseAssignments: number;
  /** Points that lie in no node at all. */
  pointsInNoNode: number;
  /** Points in at least one node. */
  pointsCovered: number;
  /** DBSCAN's eps (null for other clusterers). */
  eps: number | null;
  /** How eps was chosen, in words (null for other clusterers). */
  epsChoice: string | null;
}

export interface MapperGraph {
  format: 'topolens-mapper';
  version: 1;
  /** Number of points in the cloud. */
  points: number;
  lens: { name: string; dims: number; min: number[]; max: number[] };
  cover: {
    kind: string;
    intervals: number[];
    overlap: number[];
    /** The intervals of each lens dimension as [lower, upper] pairs. */
    axes: [number, number][][];
  };
  clusterer: {
    name: string;
    eps?: EpsChoice;
    minPoints?: number;
    /**
     * DBSCAN's distance work: point-to-point distances evaluated (knee curve and clustering),
     * and point-to-centre distances of the search groups. Brute force would evaluate
     * sum_e m_e (m_e - 1) / 2 point pairs.
     */
    work?: { pairDistances: number; centreDistances: number };
  };
  parameters: { minIntersection: number; maxSimplexDimension: number; seed: number };
  nodes: MapperNode[];
  edges: MapperEdge[];
  /** Simplices of dimension >= 2 (node id lists, ascending) when maxSimplexDimension >= 2. */
  simplices: number[][];
  summary: MapperSummary;
}
