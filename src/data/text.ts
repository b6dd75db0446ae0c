/**
 * Numeric tables in text: CSV, TSV, semicolon-separated or whitespace-separated. Rules:
 * - lines whose first non-blank character is `#` are comments; blank lines are skipped;
 * - the delimiter is detected from the first data line: `,` then tab then `;`, else whitespace;
 * - a first data line that is not all numbers is a header row and is skipped (its fields are
 *   returned as column names);
 * - every row must have as many values as the first (ragged rows are an error naming the line);
 * - NaN and infinite values are errors naming the line and the column (both counted from 1).
 */
import { invalidInput } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

export type Delimiter = ',' | '\t' | ';' | 'whitespace';

export interface TextTableOptions {
  /** Force the delimiter; default: detected from the first data line. */
  delimiter?: Delimiter;
  /** Name of the input in error messages. Default `the input`. */
  name?: string;
  /** Allow a header row of non-numbers. Default true. */
  allowHeader?: boolean;
}

export interface TextTable {
  matrix: Matrix<Float64Array>;
  /** Column names from the header row, when there was one. */
  header?: string[];
  delimiter: Delimiter;
  /** 1-based line number in the file of each data row. */
  lineNumbers: Int32Array;
}

export function detectDelimiter(line: string): Delimiter {
  if (line.includes(',')) return ',';
  if (line.includes('\t')) return '\t';
  if (line.includes(';')) return ';';
  return 'whitespace';
}

function splitFields(line: string, delimiter: Delimiter): string[] {
  if (delimiter === 'whitespace') return line.trim().split(/\s+/);
  return line.split(delimiter).map((s) => s.trim());
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function stripQuotes(s: string): string {
  return s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"' ? s.slice(1, -1) : s;
}

/** Splits text into lines, keeping 1-based line numbers, dropping comments and blank lines. */
export function dataLines(text: string): { line: string; lineNumber: number }[] {
  const out: { line: string; lineNumber: number }[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let k = 0; k < lines.length; k++) {
    const t = lines[k].trim();
    if (t.length === 0 || t.startsWith('#')) continue;
    out.push({ line: lines[k], lineNumber: k + 1 });
  }
  return out;
}

/** Parses one field, or throws an error naming its line and column. */
export function parseNumberField(
  field: string,
  lineNumber: number,
  column: number,
  name: string,
): number {
  const f = stripQuotes(field);
  if (NUMBER.test(f)) return Number(f);
  if (NON_FINITE.test(f)) {
    throw invalidInput(
      `${f} at line ${lineNumber}, column ${column} of ${name}: values must be finite numbers.`,
      'Remove or impute that row before the analysis.',
    );
  }
  if (f.length === 0) {
    throw invalidInput(`Empty value at line ${lineNumber}, column ${column} of ${name}.`);
  }
  throw invalidInput(
    `'${field.trim()}' at line ${lineNumber}, column ${column} of ${name} is not a number.`,
  );
}

function isNumberLike(f: string): boolean {
  const s = stripQuotes(f);
  return NUMBER.test(s) || NON_FINITE.test(s);
}

/** Parses a numeric table (see the module comment for the rules). */
export function parseTextTable(text: string, options: TextTableOptions = {}): TextTable {
  const name = options.name ?? 'the input';
  const lines = dataLines(text);
  if (lines.length === 0) {
    throw invalidInput(
      `${name} is empty (no data lines, only blanks or # comments).`,
      'Give a file with one point per line, e.g. "0.5,1.2,3".',
    );
  }
  const delimiter = options.delimiter ?? detectDelimiter(lines[0].line);
  let start = 0;
  let header: string[] | undefined;
  const first = splitFields(lines[0].line, delimiter);
  if ((options.allowHeader ?? true) && !first.every(isNumberLike)) {
    header = first.map(stripQuotes);
    start = 1;
    if (lines.length === 1) {
      throw invalidInput(`${name} has a header row but no data rows.`);
    }
  }
  const cols = splitFields(lines[start].line, delimiter).length;
  if (header && header.length !== cols) {
    throw invalidInput(
      `Line ${lines[start].lineNumber} of ${name} has ${cols} values but the header (line ${lines[0].lineNumber}) has ${header.length} columns.`,
    );
  }
  const rows = lines.length - start;
  const data = new Float64Array(rows * cols);
  const lineNumbers = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const { line, lineNumber } = lines[start + r];
    const fields = splitFields(line, delimiter);
    if (fields.length !== cols) {
      throw invalidInput(
        `Line ${lineNumber} of ${name} has ${fields.length} values, but line ${lines[start].lineNumber} has ${cols}: every row needs the same number of values.`,
        delimiter === 'whitespace'
          ? 'Check for missing values or stray separators.'
          : `The delimiter was detected as ${delimiter === '\t' ? 'tab' : `'${delimiter}'`}; check for missing values or stray separators.`,
      );
    }
    lineNumbers[r] = lineNumber;
    for (let c = 0; c < cols; c++) {
      data[r * cols + c] = parseNumberField(fields[c], lineNumber, c + 1, name);
    }
  }
  return { matrix: { data, rows, cols }, header, delimiter, lineNumbers };
}
