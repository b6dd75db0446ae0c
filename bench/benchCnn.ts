/**
 * The CNN of `bench:nn` and `bench:cnn-epoch` (docs/bench-nn.md, "The work"): 28 x 28 x 1 ->
 * conv 3 x 3 8 + pool -> conv 3 x 3 16 + pool -> dense 784 x 10, seed 1; PyTorch's side builds
 * the same network.
 */
import { vggNetwork } from '../src/nn/architectures/index.js';

export const benchCnn = () =>
  vggNetwork({
    inputShape: [28, 28, 1],
    widths: [8, 16],
    classes: 10,
    convsPerBlock: 1,
    head: 'flatten',
    seed: 1,
  });
