/**
 * What `topolens` loads at start-up (docs/cli.md, "Start-up"): the program and the registry load
 * only the commands' specs (names, usage, options); each command's implementation, and the heavy
 * libraries it needs, is imported by its action when it runs. Checked on the module graph that
 * the compiled JavaScript has: each source file is transpiled as tsc would (type-only imports
 * dropped) and its static imports followed; `await import()` is not followed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve('src');

/** Static import specifiers of the JavaScript that tsc emits for `file`. */
function staticImports(source: string): string[] {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const out: string[] = [];
  const file = ts.createSourceFile('x.js', js, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  for (const st of file.statements) {
    if (
      (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) &&
      st.moduleSpecifier &&
      ts.isStringLiteral(st.moduleSpecifier)
    )
      out.push(st.moduleSpecifier.text);
  }
  return out;
}

/** Dynamic `import('...')` specifiers with a literal argument. */
function dynamicImports(source: string): string[] {
  return [...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]);
}

/** A relative specifier ('./x.js') to its TypeScript source. */
function sourceOf(from: string, spec: string): string {
  const ts = join(dirname(from), spec).replace(/\.js$/, '.ts');
  if (!existsSync(ts)) throw new Error(`${relative(ROOT, from)} imports ${spec}: no ${ts}`);
  return ts;
}

interface Graph {
  /** source files reached, relative to src/ */
  files: Set<string>;
  /** packages reached (bare specifiers, node: built-ins left out) */
  packages: Set<string>;
}

/** Every file and package that loading `entry` loads, following static imports only. */
function staticGraph(entry: string): Graph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [resolve(ROOT, entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    const name = relative(ROOT, file);
    if (files.has(name)) continue;
    files.add(name);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) todo.push(sourceOf(file, spec));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  }
  return { files, packages };
}

/** Libraries that only some commands need; none of them may load at start-up. */
const HEAVY = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  'onnxruntime-node',
  'onnx-proto',
  '@duckdb/node-api',
  'bullmq',
  'ioredis',
  'fastify',
  'playwright-core',
  '@observablehq/plot',
  'zod',
  'yaml',
];

describe('CLI start-up', () => {
  const startup = staticGraph('cli/main.ts');

  it('loads only commander of the dependencies, and no command implementation', () => {
    expect([...startup.packages].sort()).toEqual(['commander']);
    const implementations = [...startup.files].filter((f) => f.startsWith('cli/commands/'));
    expect(implementations).toEqual([]);
    // the specs and their few constants: a bound that catches a spec importing a computation
    expect(startup.files.size).toBeLessThanOrEqual(32);
  });

  it('loads every command spec', () => {
    const registry = readFileSync(join(ROOT, 'cli/registry.ts'), 'utf8');
    for (const spec of [...registry.matchAll(/from '(\.\/specs\/[^']+)'/g)].map((m) => m[1]))
      expect(startup.files).toContain(join('cli', spec.replace(/\.js$/, '.ts')));
  });

  it('each action imports an implementation that exports the function it calls', () => {
    const registry = readFileSync(join(ROOT, 'cli/registry.ts'), 'utf8');
    const specs = [...registry.matchAll(/from '(\.\/specs\/[^']+)'/g)].map((m) =>
      join(ROOT, 'cli', m[1].replace(/\.js$/, '.ts')),
    );
    let actions = 0;
    for (const spec of specs) {
      const source = readFileSync(spec, 'utf8');
      const lazy = [...source.matchAll(/const \{ (\w+) \} = await import\('([^']+)'\)/g)];
      expect(lazy.length, relative(ROOT, spec)).toBeGreaterThan(0);
      expect(lazy.length).toBe(dynamicImports(source).length);
      for (const [, name, target] of lazy) {
        const impl = readFileSync(sourceOf(spec, target), 'utf8');
        const exported = new RegExp(`export (async )?function ${name}\\(`).test(impl);
        expect(exported, `${target} exports ${name}`).toBe(true);
        actions++;
      }
    }
    // ph, distance, id, curvature, ricci, similarity, mapper, layers, capture, query, export,
    // run, profile, report, figure, serve, worker, status
    expect(actions).toBeGreaterThanOrEqual(18);
  });

  it('ph loads none of the heavy libraries, and no other command, when it runs', () => {
    const ph = staticGraph('cli/commands/ph.ts');
    for (const lib of HEAVY) expect(ph.packages).not.toContain(lib);
    for (const f of ph.files) {
      expect(f).not.toMatch(/^(nn|report|study)\//);
      if (f.startsWith('cli/commands/')) expect(f).toBe('cli/commands/ph.ts');
    }
  });

  it('the import reader sees what tsc keeps', () => {
    expect(
      staticImports(
        "import type { A } from './a.js';\nimport { b, type C } from './b.js';\n" +
          "import { unused } from 'pkg';\nexport { d } from './d.js';\nimport 'side';\n" +
          "const e = await import('./e.js');\nexport const f = (x: C): A => b(x);\n",
      ),
    ).toEqual(['./b.js', './d.js', 'side']);
  });
});
