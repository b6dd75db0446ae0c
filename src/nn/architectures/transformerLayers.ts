/**
 * The custom tfjs layers that Transformers need and the layers API lacks: a learnable class
 * token prepended to the sequence, learnable position embeddings, multi-head self-attention and
 * a token selector. Each is registered with tfjs serialisation so saved models load again.
 */
import * as tf from '@tensorflow/tfjs';
import { gaussianSeed } from './seeds.js';

function seededNormal(seed: number | undefined): ReturnType<typeof tf.initializers.zeros> {
  return tf.initializers.truncatedNormal({
    stddev: 0.02,
    seed: seed === undefined ? undefined : gaussianSeed(seed),
  });
}

export interface SeedArgs {
  /** Seed of the weight initialiser (reproducible weights). */
  seed?: number;
  name?: string;
}

/** Prepends one learnable vector (the class token) to a [batch, tokens, dim] sequence. */
export class ClassToken extends tf.layers.Layer {
  static className = 'TopolensClassToken';
  private readonly seed?: number;
  private token!: tf.LayerVariable;

  constructor(args: SeedArgs = {}) {
    super(args);
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const dim = shape[shape.length - 1] as number;
    this.token = this.addWeight('token', [1, 1, dim], 'float32', seededNormal(this.seed));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0], s[1] === null ? null : (s[1] as number) + 1, s[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const cls = tf.tile(this.token.read(), [x.shape[0], 1, 1]);
      return tf.concat([cls, x], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed ?? null };
  }
}

/** Adds a learnable position embedding [tokens, dim] to a [batch, tokens, dim] sequence. */
export class PositionEmbedding extends tf.layers.Layer {
  static className = 'TopolensPositionEmbedding';
  private readonly seed?: number;
  private table!: tf.LayerVariable;

  constructor(args: SeedArgs = {}) {
    super(args);
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = inputShape as tf.Shape;
    this.table = this.addWeight(
      'table',
      [s[1] as number, s[2] as number],
      'float32',
      seededNormal(this.seed),
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.add(x, this.table.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed ?? null };
  }
}

export interface AttentionArgs extends SeedArgs {
  /** Number of heads; must divide the model width. */
  heads: number;
}

/**
 * Multi-head self-attention (Vaswani et al. 2017): softmax(Q K^T / sqrt(d_head)) V per head,
 * heads concatenated and projected. No mask (every token attends to every token).
 */
export class MultiHeadSelfAttention extends tf.layers.Layer {
  static className = 'TopolensMultiHeadSelfAttention';
  private readonly heads: number;
  private readonly seed?: number;
  private wq!: tf.LayerVariable;
  private wk!: tf.LayerVariable;
  private wv!: tf.LayerVariable;
  private wo!: tf.LayerVariable;
  private bq!: tf.LayerVariable;
  private bk!: tf.LayerVariable;
  private bv!: tf.LayerVariable;
  private bo!: tf.LayerVariable;

  constructor(args: AttentionArgs) {
    super(args);
    this.heads = args.heads;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = inputShape as tf.Shape;
    const dim = s[s.length - 1] as number;
    if (dim % this.heads !== 0) {
      throw new Error(`attention width ${dim} is not divisible by ${this.heads} heads`);
    }
    const base = this.seed ?? 0;
    const glorot = (k: number) =>
      tf.initializers.glorotUniform({ seed: this.seed === undefined ? undefined : base + k });
    this.wq = this.addWeight('wq', [dim, dim], 'float32', glorot(1));
    this.wk = this.addWeight('wk', [dim, dim], 'float32', glorot(2));
    this.wv = this.addWeight('wv', [dim, dim], 'float32', glorot(3));
    this.wo = this.addWeight('wo', [dim, dim], 'float32', glorot(4));
    this.bq = this.addWeight('bq', [dim], 'float32', tf.initializers.zeros());
    this.bk = this.addWeight('bk', [dim], 'float32', tf.initializers.zeros());
    this.bv = this.addWeight('bv', [dim], 'float32', tf.initializers.zeros());
    this.bo = this.addWeight('bo', [dim], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [b, t, d] = x.shape;
      const h = this.heads;
      const dh = d / h;
      const flat = tf.reshape(x, [b * t, d]);
      const project = (w: tf.LayerVariable, bias: tf.LayerVariable) =>
        tf.transpose(
          tf.reshape(tf.add(tf.matMul(flat, w.read() as tf.Tensor2D), bias.read()), [b, t, h, dh]),
          [0, 2, 1, 3],
        ) as tf.Tensor4D;
      const q = project(this.wq, this.bq);
      const k = project(this.wk, this.bk);
      const v = project(this.wv, this.bv);
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh));
      const attention = tf.softmax(scores, -1);
      const heads = tf.matMul(attention, v); // [b, h, t, dh]
      const merged = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [b * t, d]);
      const out = tf.add(tf.matMul(merged, this.wo.read() as tf.Tensor2D), this.bo.read());
      return tf.reshape(out, [b, t, d]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, seed: this.seed ?? null };
  }
}

export interface SelectTokenArgs {
  /** Which token to keep (0 = the class token). */
  index: number;
  name?: string;
}

/** Keeps one token of a [batch, tokens, dim] sequence: [batch, dim]. */
export class SelectToken extends tf.layers.Layer {
  static className = 'TopolensSelectToken';
  private readonly index: number;

  constructor(args: SelectTokenArgs) {
    super(args);
    this.index = args.index;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0], s[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [b, , d] = x.shape;
      return tf.reshape(tf.slice(x, [0, this.index, 0], [b, 1, d]), [b, d]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), index: this.index };
  }
}

for (const cls of [ClassToken, PositionEmbedding, MultiHeadSelfAttention, SelectToken]) {
  tf.serialization.registerClass(
    cls as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>,
  );
}
