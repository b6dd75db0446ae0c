/**
 * The machinery of test/docs/snippets.test.ts: finds the fenced blocks of a Markdown page,
 * decides which run and how, turns the value claims in TypeScript comments into checks, and
 * compares command transcripts with what the command prints. The rules are written out in
 * docs/README.md ("How the examples are tested"); this file implements them.
 */
import ts from 'typescript';
import { inspect } from 'node:util';

/** One fenced block. `line` is the 1-based line of its first content line in `file`. */
export interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
}

export function extractBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const fence = open[2];
    const close = new RegExp(`^ {0,3}\\${fence[0]}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !close.test(lines[j]); j++) {
      const lead = lines[j].length - lines[j].trimStart().length;
      body.push(lines[j].slice(Math.min(indent, lead)));
    }
    out.push({ file, line: i + 2, lang: open[3].toLowerCase(), text: body.join('\n') });
    i = j;
  }
  return out;
}

/**
 * - `code`: ts, typescript, js, javascript (run as a module against the package's source);
 * - `shell`: sh, bash, shell, console (every line a command, or `$ ` lines as in a transcript);
 * - `transcript`: an untagged or text block with `$ ` lines (the commands) and their output;
 * - `text`: an untagged or text block without `$ ` lines (output, usage synopses): not run;
 * - `other`: any other language (python, json, yaml, ...): not run.
 */
export type BlockKind = 'code' | 'shell' | 'transcript' | 'text' | 'other';

export function blockKind(b: Block): BlockKind {
  if (['ts', 'typescript', 'js', 'javascript', 'mjs', 'mts'].includes(b.lang)) return 'code';
  if (['sh', 'bash', 'shell', 'console', 'zsh'].includes(b.lang)) return 'shell';
  if (['', 'text', 'txt', 'output', 'plaintext'].includes(b.lang))
    return /^\$ /m.test(b.text) ? 'transcript' : 'text';
  return 'other';
}

/** The first non-empty line: `# not run: reason` or `// not run: reason`. `''` when the
 * marker has no reason (an error), undefined when there is no marker. */
export function notRunReason(b: Block): string | undefined {
  const first = b.text.split('\n').find((l) => l.trim() !== '');
  const m = first && /^\s*(?:#|\/\/)\s*not run\s*:?\s*(.*)$/i.exec(first);
  return m ? m[1].trim() : undefined;
}

/** Tools named by `# needs: numpy, gudhi` / `// needs: fashionmnist` lines (test/helpers/oracles.ts names). */
export function neededTools(b: Block): string[] {
  const out: string[] = [];
  for (const m of b.text.matchAll(/^\s*(?:#|\/\/)\s*needs\s*:\s*(.+)$/gim))
    out.push(...m[1].split(/[\s,]+/).filter(Boolean));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Value claims in TypeScript comments

/** What a claim expects. Numbers carry the tolerance their written precision implies. */
export type Expected =
  | { kind: 'number'; value: number; tolerance: number; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; value: boolean | null | undefined }
  | { kind: 'array'; items: Expected[]; typed?: string }
  | { kind: 'object'; fields: [string, Expected][] };

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/;
const TYPED =
  /^(Int8|Uint8|Uint8Clamped|Int16|Uint16|Int32|Uint32|Float32|Float64|BigInt64|BigUint64)Array(?:\(\d+\))?\s*(?=\[)/;

class LiteralParser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly bare: boolean,
  ) {}

  private space(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  private rest(): string {
    return this.text.slice(this.pos);
  }
  private take(s: string): boolean {
    if (this.text.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  /** One value, or undefined (position restored) when none starts here. */
  value(top: boolean): Expected | undefined {
    const start = this.pos;
    const v = this.valueInner(top);
    if (v === undefined) this.pos = start;
    return v;
  }

  private valueInner(top: boolean): Expected | undefined {
    this.space();
    const approx = this.take('~');
    const r = this.rest();
    const special = /^(-?Infinity|NaN)\b/.exec(r);
    if (special) {
      this.pos += special[0].length;
      const value = Number(special[0]);
      return { kind: 'number', value, tolerance: 0, text: special[0] };
    }
    const num = NUMBER.exec(r);
    if (num) {
      this.pos += num[0].length;
      const truncated = this.take('...');
      const [mantissa, exponent = '0'] = num[0].toLowerCase().split('e');
      const decimals = (mantissa.split('.')[1] ?? '').length - Number(exponent);
      const integer = !mantissa.includes('.') && Number(exponent) >= 0;
      const unit = 10 ** -decimals;
      // an integer written plainly is exact; otherwise the value to the precision written
      // (half a unit of the last digit), a truncated one (`0.9552...`) within one unit
      const tolerance = integer && !approx && !truncated ? 0 : truncated ? unit : unit / 2;
      return { kind: 'number', value: Number(num[0]), tolerance, text: num[0] };
    }
    if (approx) return undefined;
    if (r[0] === "'" || r[0] === '"') return this.string(r[0]);
    const typed = TYPED.exec(r);
    if (typed) {
      this.pos += typed[0].length;
      const arr = this.array();
      if (!arr || arr.kind !== 'array') return undefined;
      return { ...arr, typed: `${typed[1]}Array` };
    }
    if (r[0] === '[') return this.array();
    if (r[0] === '{') return this.object();
    const word = /^(true|false|null|undefined)\b/.exec(r);
    if (word) {
      this.pos += word[0].length;
      const value = { true: true, false: false, null: null, undefined: undefined }[
        word[1] as 'true'
      ];
      return { kind: 'literal', value };
    }
    if (top && this.bare) {
      const w = /^[A-Za-z_][\w.-]*/.exec(r);
      if (w) {
        this.pos += w[0].length;
        return { kind: 'string', value: w[0] };
      }
    }
    return undefined;
  }

  private string(quote: string): Expected | undefined {
    this.pos++;
    let out = '';
    while (this.pos < this.text.length && this.text[this.pos] !== quote) {
      if (this.text[this.pos] === '\\') this.pos++;
      out += this.text[this.pos++] ?? '';
    }
    if (!this.take(quote)) return undefined;
    return { kind: 'string', value: out };
  }

  private array(): Expected | undefined {
    this.take('[');
    const items: Expected[] = [];
    for (;;) {
      this.space();
      if (this.take(']')) return { kind: 'array', items };
      const v = this.value(false);
      if (!v) return undefined;
      items.push(v);
      this.space();
      if (this.take(',')) continue;
      if (this.take(']')) return { kind: 'array', items };
      return undefined;
    }
  }

  private object(): Expected | undefined {
    this.take('{');
    const fields: [string, Expected][] = [];
    for (;;) {
      this.space();
      if (this.take('}')) return { kind: 'object', fields };
      const r = this.rest();
      const key = /^(?:([A-Za-z_$][\w$]*)|'([^']*)'|"([^"]*)")\s*:/.exec(r);
      if (!key) return undefined;
      this.pos += key[0].length;
      const v = this.value(false);
      if (!v) return undefined;
      fields.push([key[1] ?? key[2] ?? key[3], v]);
      this.space();
      if (this.take(',')) continue;
      if (this.take('}')) return { kind: 'object', fields };
      return undefined;
    }
  }

  /** After the values: nothing, or a note that starts with ( : ; = or a dash. */
  endsWell(): boolean {
    this.space();
    return this.pos === this.text.length || /^[(:;=\u2013\u2014-]/.test(this.rest());
  }
}

/**
 * Reads the claim at the start of a comment. `count` values for `console.log` with that many
 * arguments (bare words allowed: `// 1 dense`), else one. Returns undefined when the comment
 * is prose (it does not start with a value followed by nothing or a note), and an error
 * string when it starts like a claim for console.log but lists the wrong number of values.
 */
export function parseClaim(comment: string, count = 1): Expected[] | string | undefined {
  const p = new LiteralParser(comment.trim(), count > 1);
  const values: Expected[] = [];
  const first = p.value(true);
  if (!first) return undefined;
  values.push(first);
  while (values.length < count) {
    const v = p.value(true);
    if (!v) break;
    values.push(v);
  }
  if (!p.endsWell()) return undefined;
  if (values.length !== count)
    return `the comment lists ${values.length} value(s) for ${count} console.log arguments`;
  return values;
}

function show(x: unknown): string {
  return inspect(x, { depth: 3, maxArrayLength: 12, breakLength: Infinity });
}

/** As mismatch, for a value that console.log prints: a string that holds JSON is read back
 * (`console.log(JSON.stringify(x)); // [[0.5, 1]]`). */
export function printedMismatch(
  actual: unknown,
  expected: Expected,
  path = 'value',
): string | undefined {
  if (typeof actual === 'string' && expected.kind !== 'string') {
    try {
      return mismatch(JSON.parse(actual), expected, path);
    } catch {
      // not JSON: compared as it is
    }
  }
  return mismatch(actual, expected, path);
}

/** Why `actual` does not meet `expected`, or undefined when it does. */
export function mismatch(actual: unknown, expected: Expected, path = 'value'): string | undefined {
  switch (expected.kind) {
    case 'number': {
      const a = typeof actual === 'bigint' ? Number(actual) : actual;
      if (typeof a !== 'number')
        return `${path}: expected the number ${expected.text}, got ${show(actual)}`;
      if (Number.isNaN(expected.value))
        return Number.isNaN(a) ? undefined : `${path}: expected NaN, got ${a}`;
      if (a === expected.value) return undefined;
      const ok = Math.abs(a - expected.value) <= expected.tolerance * (1 + 1e-9);
      return ok
        ? undefined
        : `${path}: expected ${expected.text}${expected.tolerance ? ` (+- ${expected.tolerance.toPrecision(1)})` : ''}, got ${a}`;
    }
    case 'string':
      return actual === expected.value
        ? undefined
        : `${path}: expected ${show(expected.value)}, got ${show(actual)}`;
    case 'literal':
      return actual === expected.value
        ? undefined
        : `${path}: expected ${String(expected.value)}, got ${show(actual)}`;
    case 'array': {
      if (expected.typed && (actual as object)?.constructor?.name !== expected.typed)
        return `${path}: expected a ${expected.typed}, got ${show(actual)}`;
      const isList = Array.isArray(actual) || (ArrayBuffer.isView(actual) && 'length' in actual);
      if (!isList) return `${path}: expected an array, got ${show(actual)}`;
      const list = actual as ArrayLike<unknown>;
      if (list.length !== expected.items.length)
        return `${path}: expected ${expected.items.length} elements, got ${list.length}: ${show(actual)}`;
      for (let i = 0; i < list.length; i++) {
        const m = mismatch(list[i], expected.items[i], `${path}[${i}]`);
        if (m) return m;
      }
      return undefined;
    }
    case 'object': {
      if (actual === null || typeof actual !== 'object')
        return `${path}: expected an object, got ${show(actual)}`;
      for (const [key, v] of expected.fields) {
        if (!(key in actual)) return `${path}: no field '${key}' in ${show(actual)}`;
        const m = mismatch((actual as Record<string, unknown>)[key], v, `${path}.${key}`);
        if (m) return m;
      }
      return undefined;
    }
  }
}

/** A claim found in a snippet: where, what the comment said, what it expects. */
export interface Claim {
  /** 1-based line of the statement within the snippet */
  line: number;
  comment: string;
  expected: Expected[];
  /** a console.log claim: a string argument is what is printed, so JSON text is read back */
  log: boolean;
}

export interface Instrumented {
  code: string;
  claims: Claim[];
  /** claims that could not be read (wrong number of values for console.log) */
  problems: { line: number; message: string }[];
}

/** The claim comment of a statement: its own trailing `//` comment, else the `//` lines right
 * below it (joined), as in `console.log(x);` followed by `// 33 2704 676`. */
function claimComment(source: string, sf: ts.SourceFile, st: ts.Statement): string | undefined {
  const endLine = sf.getLineAndCharacterOfPosition(st.end).line;
  const trailing = ts
    .getTrailingCommentRanges(source, st.end)
    ?.find(
      (c) =>
        c.kind === ts.SyntaxKind.SingleLineCommentTrivia &&
        sf.getLineAndCharacterOfPosition(c.pos).line === endLine,
    );
  if (trailing) return source.slice(trailing.pos + 2, trailing.end);
  const lines = source.split('\n');
  const below: string[] = [];
  for (let l = endLine + 1; l < lines.length; l++) {
    const m = /^\s*\/\/(.*)$/.exec(lines[l]);
    if (!m) break;
    below.push(m[1].trim());
  }
  return below.length ? below.join(' ') : undefined;
}

/**
 * Wraps every top-level statement whose comment makes a claim: `expr; // 1.0118` becomes
 * `globalThis.__docClaim(id, [(expr)]);` and `console.log(a, b); // 1 dense` becomes
 * `globalThis.__docClaim(id, [a, b]);` (so the values are checked, nothing printed);
 * `const x = expr; // 3` checks the initialiser. Line numbers are kept.
 */
export function instrument(source: string): Instrumented {
  const sf = ts.createSourceFile(
    'snippet.ts',
    source,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TS,
  );
  const claims: Claim[] = [];
  const problems: Instrumented['problems'] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of sf.statements) {
    let target: ts.Expression | undefined;
    if (ts.isExpressionStatement(st)) target = st.expression;
    else if (ts.isVariableStatement(st) && st.declarationList.declarations.length === 1)
      target = st.declarationList.declarations[0].initializer;
    if (!target) continue;
    const comment = claimComment(source, sf, st);
    if (comment === undefined) continue;
    const isLog = ts.isCallExpression(target) && target.expression.getText(sf) === 'console.log';
    const args = isLog ? (target as ts.CallExpression).arguments.map((a) => a.getText(sf)) : [];
    const parsed = parseClaim(comment, isLog ? Math.max(1, args.length) : 1);
    if (parsed === undefined) continue;
    const line = sf.getLineAndCharacterOfPosition(st.getStart(sf)).line + 1;
    if (typeof parsed === 'string') {
      problems.push({ line, message: `${parsed}: //${comment}` });
      continue;
    }
    const id = claims.length;
    claims.push({ line, comment: comment.trim(), expected: parsed, log: isLog });
    const values = isLog ? args.join(', ') : `(${target.getText(sf)})`;
    edits.push({
      start: target.getStart(sf),
      end: target.getEnd(),
      text: `(globalThis as any).__docClaim(${id}, [${values}])`,
    });
  }
  let code = source;
  for (const e of edits.sort((a, b) => b.start - a.start))
    code = code.slice(0, e.start) + e.text + code.slice(e.end);
  return { code, claims, problems };
}

// ---------------------------------------------------------------------------------------------
// Commands and transcripts

export interface DocCommand {
  /** 1-based line within the block */
  line: number;
  command: string;
  /** the output lines the block shows for it (transcripts only) */
  expected: string[];
}

/** The commands of a shell or transcript block, `\` continuations joined. */
export function commandsOf(b: Block): DocCommand[] {
  const lines = b.text.split('\n');
  const dollar = lines.some((l) => l.startsWith('$ '));
  const out: DocCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const isCommand = dollar ? l.startsWith('$ ') : l.trim() !== '' && !/^\s*#/.test(l);
    if (!isCommand) {
      if (dollar && out.length) out[out.length - 1].expected.push(l);
      continue;
    }
    const start = i;
    let command = dollar ? l.slice(2) : l;
    while (/\\\s*$/.test(command) && i + 1 < lines.length)
      command = command.replace(/\\\s*$/, ' ') + lines[++i].trim();
    out.push({ line: start + 1, command: command.trim(), expected: [] });
  }
  return out;
}

/** Programs a documented command line may call. Anything else must be marked `not run`. */
export const ALLOWED_PROGRAMS = new Set(['topolens', 'head', 'tail', 'cat', 'echo', 'ls', 'wc']);

/** The programs a command line calls that are not allowed (splitting at ; && || |). */
export function disallowedPrograms(command: string): string[] {
  return command
    .split(/;|&&|\|\||\|/)
    .map((part) => part.trim().split(/\s+/)[0] ?? '')
    .filter((p) => p !== '' && !ALLOWED_PROGRAMS.has(p));
}

const NUMBER_TOKEN = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

function tokens(line: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of line.matchAll(NUMBER_TOKEN)) {
    // a number glued to letters (R^3, layer1, H0) is text
    const before = line[m.index - 1] ?? ' ';
    const after = line[m.index + m[0].length] ?? ' ';
    if (/[A-Za-z_^]/.test(before) || /[A-Za-z_]/.test(after)) continue;
    out.push(line.slice(last, m.index).replace(/\s+/g, ' '), m[0]);
    last = m.index + m[0].length;
  }
  out.push(line.slice(last).replace(/\s+/g, ' '));
  return out.map((t) => t.trim());
}

/** Printed numbers agree to the precision written in the docs (within half a unit of the last
 * digit; integers exactly); text exactly, with runs of spaces counted as one. */
export function linesAgree(expected: string, actual: string): boolean {
  const e = tokens(expected);
  const a = tokens(actual);
  if (e.length !== a.length) return false;
  for (let k = 0; k < e.length; k++) {
    if (k % 2 === 0) {
      if (e[k] !== a[k]) return false;
      continue;
    }
    const [mantissa, exponent = '0'] = e[k].toLowerCase().split('e');
    const decimals = (mantissa.split('.')[1] ?? '').length - Number(exponent);
    const exact = !mantissa.includes('.') && Number(exponent) >= 0;
    const diff = Math.abs(Number(e[k]) - Number(a[k]));
    if (exact ? diff !== 0 : diff > (10 ** -decimals / 2) * (1 + 1e-9)) return false;
  }
  return true;
}

/** Lines a transcript shows that depend on the machine: not compared. */
const VOLATILE = /^\s*(time:|\.\.\.\s*$)|peak memory/;

/**
 * Checks that the output lines a transcript shows appear, in order, in what the command
 * printed (more lines may be printed: a transcript may leave some out). Returns the first
 * line that was not found, or undefined.
 */
export function missingOutput(expected: string[], actual: string): string | undefined {
  const got = actual.split('\n');
  let at = 0;
  for (const line of expected) {
    if (line.trim() === '' || VOLATILE.test(line)) continue;
    while (at < got.length && !linesAgree(line, got[at])) at++;
    if (at === got.length) return line;
    at++;
  }
  return undefined;
}

/** The words of a plain `topolens ...` line (quotes honoured), or undefined when the line
 * needs a shell (pipes, redirection, variables, globs, several commands, comments). */
export function plainTopolens(command: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let started = false;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = '';
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || word) words.push(word);
      word = '';
      started = false;
    } else if (/[|&;<>`$*?(){}#\\~]/.test(ch)) {
      return undefined;
    } else word += ch;
  }
  if (quote) return undefined;
  if (started || word) words.push(word);
  return words[0] === 'topolens' ? words.slice(1) : undefined;
}
