/**
 * Persistence diagrams as plain data. One diagram per homology dimension; births and deaths in
 * parallel typed arrays; an essential (infinite) class has death = Infinity.
 *
 * JSON: typed arrays and Infinity do not survive JSON.stringify, so use `diagramsToJSON` /
 * `diagramsFromJSON`, which write `[birth, death]` pairs with `null` for an infinite death and
 * read them back exactly (numbers are written with full precision).
 */
export interface Cocycle {
  /** Vertices of each simplex of the cocycle's support, (dimension + 1) per simplex, flattened. */
  simplices: Int32Array;
  /** Coefficient in Z/p of each simplex (all 1 over Z/2). */
  coefficients: Int32Array;
}

export interface PersistenceDiagram {
  dimension: number;
  births: Float64Array;
  deaths: Float64Array;
  /** Representative cocycles, one per bar in the same order, when they were asked for. */
  cocycles?: Cocycle[];
}

export interface DiagramJSON {
  dimension: number;
  /** [birth, death] with death = null for an infinite bar. */
  bars: [number, number | null][];
  cocycles?: { simplices: number[]; coefficients: number[] }[];
}

export function diagram(
  dimension: number,
  bars: ArrayLike<readonly [number, number]>,
): PersistenceDiagram {
  const births = new Float64Array(bars.length);
  const deaths = new Float64Array(bars.length);
  for (let i = 0; i < bars.length; i++) {
    births[i] = bars[i][0];
    deaths[i] = bars[i][1];
  }
  return { dimension, births, deaths };
}

export function barCount(d: PersistenceDiagram): number {
  return d.births.length;
}

export function bars(d: PersistenceDiagram): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < d.births.length; i++) out.push([d.births[i], d.deaths[i]]);
  return out;
}

export function diagramToJSON(d: PersistenceDiagram): DiagramJSON {
  const out: DiagramJSON = {
    dimension: d.dimension,
    bars: bars(d).map(([b, e]) => [b, Number.isFinite(e) ? e : null]),
  };
  if (d.cocycles) {
    out.cocycles = d.cocycles.map((c) => ({
      simplices: Array.from(c.simplices),
      coefficients: Array.from(c.coefficients),
    }));
  }
  return out;
}

export function diagramFromJSON(j: DiagramJSON): PersistenceDiagram {
  const d = diagram(
    j.dimension,
    j.bars.map(([b, e]) => [b, e === null ? Infinity : e] as const),
  );
  if (j.cocycles) {
    d.cocycles = j.cocycles.map((c) => ({
      simplices: Int32Array.from(c.simplices),
      coefficients: Int32Array.from(c.coefficients),
    }));
  }
  return d;
}

export function diagramsToJSON(ds: PersistenceDiagram[]): DiagramJSON[] {
  return ds.map(diagramToJSON);
}

export function diagramsFromJSON(js: DiagramJSON[]): PersistenceDiagram[] {
  return js.map(diagramFromJSON);
}

/** Bars sorted by (birth, death), for comparisons and stable output. */
export function sortedBars(d: PersistenceDiagram): [number, number][] {
  return bars(d).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}
