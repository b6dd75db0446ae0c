/**
 * The docs test's own rules (test/docs/snippetHarness.ts), on hand-made cases: what counts as a
 * claim and when it fails, how commands and transcripts are read, which blocks run.
 */
import { describe, expect, it } from 'vitest';
import {
  blockKind,
  commandsOf,
  disallowedPrograms,
  extractBlocks,
  instrument,
  linesAgree,
  mismatch,
  missingOutput,
  neededTools,
  notRunReason,
  parseClaim,
  plainTopolens,
  printedMismatch,
  type Expected,
} from './snippetHarness.js';

const one = (comment: string, count = 1): Expected => {
  const c = parseClaim(comment, count);
  if (!Array.isArray(c)) throw new Error(`not a claim: ${comment}`);
  return c[0];
};

describe('claims in comments', () => {
  it('a number holds to the precision written; an integer exactly; ~ and ... widen as documented', () => {
    expect(mismatch(1.01184, one('1.0118'))).toBeUndefined();
    expect(mismatch(1.0119, one('1.0118'))).toMatch(
      /expected 1\.0118 \(\+- 0\.00005\), got 1\.0119/,
    );
    expect(mismatch(1.4, one('~1: intrinsic dimension'))).toBeUndefined();
    expect(mismatch(1.84, one('~1: intrinsic dimension'))).toMatch(/expected 1/);
    expect(mismatch(1, one('1'))).toBeUndefined();
    expect(mismatch(1.2, one('1'))).toMatch(/expected 1, got 1\.2/);
    expect(mismatch(0.95529, one('0.9552...'))).toBeUndefined();
    expect(mismatch(0.9564, one('0.9552...'))).toBeDefined();
    expect(mismatch(0.09999999999999998, one('0.09999999999999998 (exact)'))).toBeUndefined();
    expect(mismatch(0.1, one('0.09999999999999998 (exact)'))).toBeDefined();
    expect(mismatch(Infinity, one('Infinity'))).toBeUndefined();
    expect(mismatch(2e-5, one('2e-5'))).toBeUndefined();
    expect(mismatch('1', one('1'))).toMatch(/expected the number 1, got '1'/);
  });

  it('arrays, typed arrays, strings, literals and objects (listed fields only)', () => {
    expect(mismatch([0, 0.1, 0.2], one('[0, 0.1, 0.2]'))).toBeUndefined();
    expect(mismatch(Float64Array.from([0, 0.1]), one('[0, 0.1]'))).toBeUndefined();
    expect(mismatch([0, 0.1], one('[0, 0.1, 0.2]'))).toMatch(/expected 3 elements, got 2/);
    const cocycle = one('{ simplices: Int32Array [1, 0], coefficients: Int32Array [1] }');
    const good = { simplices: Int32Array.from([1, 0]), coefficients: Int32Array.from([1]) };
    expect(mismatch(good, cocycle)).toBeUndefined();
    expect(mismatch({ ...good, simplices: [1, 0] }, cocycle)).toMatch(/expected a Int32Array/);
    const partial = one("{ measure: 'cka-linear', value: 0.9790... }");
    expect(mismatch({ measure: 'cka-linear', kind: 'similarity', value: 0.97907 }, partial)).toBe(
      undefined,
    );
    expect(mismatch({ measure: 'cka-rbf', value: 0.97907 }, partial)).toMatch(/value\.measure/);
    expect(mismatch({ value: 0.97907 }, partial)).toMatch(/no field 'measure'/);
    expect(mismatch(true, one('true'))).toBeUndefined();
    expect(mismatch(null, one('null'))).toBeUndefined();
    expect(mismatch('Float32Array', one("'Float32Array' (the values)"))).toBeUndefined();
  });

  it('prose is not a claim; a value followed by words is prose too', () => {
    expect(parseClaim("[M22]'s H1 lifespan sum")).toBeUndefined();
    expect(parseClaim('Ripser-exact, Z/2 by default')).toBeUndefined();
    expect(parseClaim('2000 x 50 point cloud of the fifth block')).toBeUndefined();
    expect(parseClaim('2,000 points on a circle')).toBeUndefined();
    expect(parseClaim('exact kNN, shared by the estimators')).toBeUndefined();
    expect(parseClaim('1.05 (~1): intrinsic dimension')).toHaveLength(1);
  });

  it('console.log claims list one value per argument, bare words allowed', () => {
    const c = parseClaim('1 dense  (the enclosing radius)', 2) as Expected[];
    expect(c).toHaveLength(2);
    expect(mismatch('dense', c[1])).toBeUndefined();
    expect(parseClaim('33 2704 676', 3)).toHaveLength(3);
    expect(parseClaim('12 (a count)', 2)).toMatch(
      /lists 1 value\(s\) for 2 console\.log arguments/,
    );
    // what console.log prints of a string is the string: JSON text is read back
    expect(printedMismatch('[[0.5,1]]', one('[[0.5,1]]'))).toBeUndefined();
    expect(printedMismatch('[[0.5,2]]', one('[[0.5,1]]'))).toBeDefined();
  });

  it('instrument wraps claimed statements, keeps lines, and finds claims on the line below', () => {
    const source = [
      "import { f } from 'x';",
      'f(1); // 0.5 (half)',
      'const y = f(2); // 1',
      'console.log(y, "a");',
      '// 1 a',
      'f(3); // three times',
      'for (const k of [1]) f(k); // 9',
    ].join('\n');
    const r = instrument(source);
    expect(r.code.split('\n')).toHaveLength(7);
    expect(r.claims.map((c) => [c.line, c.comment, c.log])).toEqual([
      [2, '0.5 (half)', false],
      [3, '1', false],
      [4, '1 a', true],
    ]);
    expect(r.code).toContain('(globalThis as any).__docClaim(0, [(f(1))]); // 0.5');
    expect(r.code).toContain('const y = (globalThis as any).__docClaim(1, [(f(2))]);');
    expect(r.code).toContain('(globalThis as any).__docClaim(2, [y, "a"]);');
    expect(r.code).toContain('f(3); // three times');
    expect(r.problems).toEqual([]);
  });
});

describe('blocks, commands and transcripts', () => {
  const page = [
    '# Title',
    '',
    '```ts',
    "import { a } from 'topolens';",
    '```',
    '',
    '```sh',
    '# not run: installs things',
    'npm install',
    '```',
    '',
    '```',
    '$ topolens ph x.csv \\',
    '    --maxdim 1',
    'H0: 3 bars',
    '$ topolens ph y.csv',
    '```',
    '',
    '```',
    'topolens ph <file> [--maxdim 1]',
    '```',
    '',
    '```python',
    'print(1)',
    '```',
  ].join('\n');
  const blocks = extractBlocks(page, 'p.md');

  it('finds every fenced block with its line and kind', () => {
    expect(blocks.map((b) => [b.line, b.lang, blockKind(b)])).toEqual([
      [4, 'ts', 'code'],
      [8, 'sh', 'shell'],
      [13, '', 'transcript'],
      [20, '', 'text'],
      [24, 'python', 'other'],
    ]);
    expect(notRunReason(blocks[1])).toBe('installs things');
    expect(notRunReason(blocks[0])).toBeUndefined();
    expect(notRunReason({ ...blocks[1], text: '# not run:\nnpm test' })).toBe('');
    expect(neededTools({ ...blocks[1], text: '# needs: numpy, gudhi\nx' })).toEqual([
      'numpy',
      'gudhi',
    ]);
  });

  it('reads commands with continuations and the output shown for each', () => {
    expect(commandsOf(blocks[2])).toEqual([
      { line: 1, command: 'topolens ph x.csv  --maxdim 1', expected: ['H0: 3 bars'] },
      { line: 4, command: 'topolens ph y.csv', expected: [] },
    ]);
    expect(commandsOf({ ...blocks[1], text: 'topolens a\n# note\n\ntopolens b' })).toEqual([
      { line: 1, command: 'topolens a', expected: [] },
      { line: 4, command: 'topolens b', expected: [] },
    ]);
  });

  it('a plain topolens line runs in process; anything shell-like goes through bash', () => {
    expect(plainTopolens(`topolens distance a.json "my file.csv" --p ''`)).toEqual([
      'distance',
      'a.json',
      'my file.csv',
      '--p',
      '',
    ]);
    expect(plainTopolens('topolens ph x.csv > out.txt')).toBeUndefined();
    expect(plainTopolens('topolens ricci layer*.npy')).toBeUndefined();
    expect(plainTopolens('topolens ph $FILE')).toBeUndefined();
    expect(plainTopolens('echo hi')).toBeUndefined();
  });

  it('only topolens and a few harmless programs may run', () => {
    expect(disallowedPrograms('topolens ph a.csv --out d.csv && head -3 d.csv')).toEqual([]);
    expect(disallowedPrograms('npm install && npm start')).toEqual(['npm', 'npm']);
    expect(disallowedPrograms('sudo apt-get install ripser')).toEqual(['sudo']);
  });

  it('transcript output: in order, numbers to the digits shown, time lines skipped', () => {
    expect(
      linesAgree('H1  bottleneck: 0.1  (2 vs 1 bars)', 'H1 bottleneck: 0.1 (2 vs 1 bars)'),
    ).toBe(true);
    expect(
      linesAgree('H1  bottleneck: 0.1  (2 vs 1 bars)', 'H1  bottleneck: 0  (2 vs 1 bars)'),
    ).toBe(false);
    expect(linesAgree('rho: -0.3166', 'rho: -0.31664')).toBe(true);
    expect(linesAgree('edges 8201', 'edges 8202')).toBe(false);
    expect(linesAgree('layer1: 300 x 50', 'layer2: 300 x 50')).toBe(false);
    const printed = 'input: 200 points\ntime: 0.16 s\nH0: 199 finite bars\nH1: 18 finite bars\n';
    expect(missingOutput(['input: 200 points', 'time: 9 s', 'H1: 18 finite bars'], printed)).toBe(
      undefined,
    );
    expect(missingOutput(['H1: 18 finite bars', 'H0: 199 finite bars'], printed)).toBe(
      'H0: 199 finite bars',
    );
    expect(missingOutput(['H1: 17 finite bars'], printed)).toBe('H1: 17 finite bars');
  });
});
