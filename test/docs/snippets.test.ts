/**
 * Every example in README.md and docs/*.md runs (issue 10). The rules, also in docs/README.md:
 *
 * - ```ts / ```js blocks are complete programs. Each runs as an ES module (top-level await
 *   allowed) with `'topolens'` and `'topolens/<entry>'` mapped to the package's source through
 *   package.json's `exports`, in the page's scratch folder (below; `examples/data/...` resolves).
 *   The ```ts blocks must also type-check under strict NodeNext settings (one program at the end).
 * - A comment that starts with a value is a claim and is checked: `expr; // 1.0118`,
 *   `console.log(a, b); // 33 dense`, or the value on the `//` lines right below the statement.
 *   Numbers hold to the precision written (1.0118: within 0.00005; ~1: within 0.5; an integer
 *   written plainly exactly; 0.9552...: within one unit of the last digit); arrays, typed arrays
 *   (`Int32Array [1, 0]`), strings, true/false/null; an object lists the fields it checks. A
 *   comment that starts with words is prose.
 * - ```sh blocks and transcripts (an untagged block with `$ ` lines) run their commands with
 *   bash in a scratch folder per page (it holds `examples/`; files one block writes are there
 *   for the next), `topolens` being this checkout's CLI (a plain `topolens ...` line runs in
 *   this process, through the same program and error report as the binary). Only topolens and a few harmless
 *   programs (head, cat, ...) may be called. A transcript's output lines must appear in order in
 *   what the command prints (numbers to the digits shown; time lines skipped); a transcript that
 *   shows a `topolens:` error line must exit with code 2, others with 0.
 * - A block that cannot run (npm install, apt-get, a model file that is not bundled) says so on
 *   its first line: `# not run: <reason>` (`// not run: <reason>` in code). `# needs: numpy`
 *   (or `// needs: fashionmnist`) names a reference tool (test/helpers/oracles.ts): the block is
 *   skipped outside CI without it. Untagged blocks without `$ ` lines (output, usage) and other
 *   languages (python, json) are not run.
 *
 * Failures name the page and line of the block, claim or command.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { hasTool, requireTool } from '../helpers/oracles.js';
import { buildProgram } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/output.js';
import {
  blockKind,
  commandsOf,
  disallowedPrograms,
  extractBlocks,
  instrument,
  mismatch,
  plainTopolens,
  printedMismatch,
  missingOutput,
  neededTools,
  notRunReason,
  type Block,
} from './snippetHarness.js';

const root = resolve(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'topolens-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** 'topolens' -> src/index.ts, 'topolens/nn' -> src/nn/index.ts, from package.json exports. */
function entryPoints(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { default: string }>;
  };
  const map = new Map<string, string>();
  for (const [key, entry] of Object.entries(pkg.exports)) {
    // a conditional export ('.': {browser, default}): Node's target
    const target = typeof entry === 'string' ? entry : entry.default;
    const source = target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');
    map.set(key === '.' ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, '')}`, join(root, source));
  }
  return map;
}
const entries = entryPoints();

function rewriteImports(code: string): string {
  return code.replace(/(['"])(topolens(?:\/[\w-]+)?)\1/g, (whole, quote: string, spec: string) => {
    const path = entries.get(spec);
    return path ? `${quote}${path}${quote}` : whole;
  });
}

const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** A bin folder whose `topolens` runs this checkout's CLI through tsx. */
const bin = join(scratch, 'bin');
mkdirSync(bin);
writeFileSync(
  join(bin, 'topolens'),
  `#!/bin/sh\nexec "${join(root, 'node_modules', '.bin', 'tsx')}" "${join(root, 'src', 'cli', 'main.ts')}" "$@"\n`,
);
chmodSync(join(bin, 'topolens'), 0o755);

function pageScratch(page: string): string {
  const dir = join(scratch, page.replace(/[^\w.-]+/g, '_'));
  mkdirSync(dir, { recursive: true });
  try {
    symlinkSync(join(root, 'examples'), join(dir, 'examples'));
  } catch {
    // already linked by an earlier block of the page
  }
  return dir;
}

let counter = 0;

async function runCode(b: Block): Promise<void> {
  const where = (line: number) => `${b.file}:${b.line + line - 1}`;
  const { code, claims, problems } = instrument(rewriteImports(b.text));
  if (problems.length)
    throw new Error(problems.map((p) => `${where(p.line)}: ${p.message}`).join('\n'));
  const failures: string[] = [];
  const reached = new Set<number>();
  (globalThis as { __docClaim?: unknown }).__docClaim = (id: number, values: unknown[]) => {
    reached.add(id);
    const c = claims[id];
    c.expected.forEach((e, k) => {
      const path = c.expected.length > 1 ? `value ${k + 1}` : 'value';
      const m = c.log ? printedMismatch(values[k], e, path) : mismatch(values[k], e, path);
      if (m) failures.push(`${where(c.line)}: the comment says ${c.comment}; ${m}`);
    });
    return values[0];
  };
  const file = join(scratch, `snippet-${++counter}.ts`);
  writeFileSync(file, code);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const before = process.cwd();
  process.chdir(pageScratch(b.file));
  try {
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } catch (err) {
    const e = err as Error;
    const at = new RegExp(`snippet-${counter}\\.ts:(\\d+)`).exec(e.stack ?? '');
    const place = at ? where(Number(at[1])) : `${b.file}:${b.line} (the block)`;
    throw new Error(`${place}: the example threw ${e.name}: ${e.message}`, { cause: err });
  } finally {
    process.chdir(before);
    log.mockRestore();
  }
  if (failures.length) throw new Error(failures.join('\n'));
  const missed = claims.filter((_, id) => !reached.has(id));
  if (missed.length)
    throw new Error(missed.map((c) => `${where(c.line)}: claim never reached`).join('\n'));
}

/** Runs the CLI in this process (as `topolens` would: same program, same error report), in
 * `cwd`, with what it prints captured. Much faster than a process per command. */
async function runInProcess(
  args: string[],
  cwd: string,
): Promise<{ status: number; printed: string }> {
  let printed = '';
  const capture = ((chunk: unknown) => {
    printed += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const before = process.cwd();
  process.chdir(cwd);
  let status = 0;
  try {
    await buildProgram()
      .exitOverride()
      .configureOutput({ writeOut: (t) => (printed += t), writeErr: (t) => (printed += t) })
      .parseAsync(['node', 'topolens', ...args]);
  } catch (e) {
    const code = (e as { code?: string }).code;
    status =
      code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : reportError(e);
  } finally {
    process.chdir(before);
    out.mockRestore();
    err.mockRestore();
  }
  return { status, printed };
}

async function runCommands(b: Block): Promise<void> {
  const cwd = pageScratch(b.file);
  for (const c of commandsOf(b)) {
    const where = `${b.file}:${b.line + c.line - 1}`;
    const bad = disallowedPrograms(c.command);
    if (bad.length)
      throw new Error(
        `${where}: \`${c.command}\` calls ${bad.join(', ')}, which the docs test does not run; ` +
          'mark the block "# not run: <reason>" or use topolens commands on bundled data',
      );
    const args = plainTopolens(c.command);
    let status: number | null;
    let printed: string;
    if (args) ({ status, printed } = await runInProcess(args, cwd));
    else {
      const r = spawnSync('bash', ['-c', c.command], {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
        timeout: 60_000,
      });
      status = r.status;
      printed = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    }
    const wantsError = c.expected.some((l) => /^topolens: /.test(l));
    expect(status, `${where}: \`${c.command}\` exited with ${status}:\n${printed}`).toBe(
      wantsError ? 2 : 0,
    );
    const missing = missingOutput(c.expected, printed);
    expect(
      missing,
      `${where}: \`${c.command}\` did not print the line the docs show:\n  ${missing}\nit printed:\n${printed}`,
    ).toBeUndefined();
  }
}

/** Every runnable ts block, for the type check at the end. */
const typescriptBlocks: Block[] = [];

for (const page of pages) {
  const blocks = extractBlocks(readFileSync(join(root, page), 'utf8'), page).filter(
    (b) => blockKind(b) !== 'text' && blockKind(b) !== 'other',
  );
  if (blocks.length === 0) continue;
  describe(page, () => {
    for (const b of blocks) {
      const kind = blockKind(b);
      if (['ts', 'typescript', 'mts'].includes(b.lang) && notRunReason(b) === undefined)
        typescriptBlocks.push(b);
      const name = `${b.file}:${b.line} (${b.lang || 'transcript'})`;
      const reason = notRunReason(b);
      if (reason !== undefined) {
        it(`${name}: marked not run with a reason`, () => {
          expect(reason, `${name}: "not run" needs a reason after the colon`).not.toBe('');
        });
        continue;
      }
      it(name, async (ctx) => {
        for (const tool of neededTools(b)) {
          type Tool = Parameters<typeof requireTool>[1];
          try {
            hasTool(tool as Tool);
          } catch {
            throw new Error(
              `${name}: unknown tool '${tool}' in "needs:" (see test/helpers/oracles.ts)`,
            );
          }
          requireTool(ctx, tool as Tool);
        }
        if (kind === 'code') await runCode(b);
        else await runCommands(b);
      });
    }
  });
}

/**
 * The TypeScript examples also compile under the project's strict settings, as a reader's
 * copy would (one program for all of them; imports resolved to the source as above).
 */
describe('TypeScript examples', () => {
  it('type-check (strict, NodeNext)', () => {
    const dir = join(scratch, 'typecheck');
    mkdirSync(dir, { recursive: true });
    const files = typescriptBlocks.map((b, k) => {
      const file = join(dir, `example-${k}.mts`);
      writeFileSync(
        file,
        b.text.replace(/(['"])(topolens(?:\/[\w-]+)?)\1/g, (whole, q: string, spec: string) => {
          const path = entries.get(spec);
          return path ? `${q}${path.replace(/\.ts$/, '.js')}${q}` : whole;
        }),
      );
      return { file, block: b };
    });
    const program = ts.createProgram(
      files.map((f) => f.file),
      {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
        esModuleInterop: true,
      },
    );
    const errors: string[] = [];
    for (const { file, block } of files) {
      const sf = program.getSourceFile(file);
      if (!sf) throw new Error(`${block.file}:${block.line}: not compiled`);
      for (const d of [
        ...program.getSyntacticDiagnostics(sf),
        ...program.getSemanticDiagnostics(sf),
      ]) {
        const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line;
        errors.push(
          `${block.file}:${block.line + line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
        );
      }
    }
    if (errors.length) throw new Error(errors.join('\n'));
  });
});
