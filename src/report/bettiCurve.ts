/**
 * The Betti curve the report draws beside a persistence diagram (docs/report.md): the number
 * of bars alive, birth <= t < death, at each step of an even grid of filtration values from 0 to
 * `top`. An essential class (death null, infinite) stays alive to the end.
 */
export function bettiCurve(
  births: readonly number[],
  deaths: readonly (number | null)[],
  top: number,
  steps = 120,
): { t: number; betti: number }[] {
  const out: { t: number; betti: number }[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = (top * i) / steps;
    let alive = 0;
    for (let j = 0; j < births.length; j++) {
      const d = deaths[j];
      if (births[j] <= t && (d === null || t < d)) alive++;
    }
    out.push({ t, betti: alive });
  }
  return out;
}
