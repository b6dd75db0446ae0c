/**
 * Registration of the network commands (`layers`, `capture`). Their implementations load
 * TensorFlow.js and onnxruntime-node, so they are imported only when one of these commands runs:
 * every other command starts without them.
 */
import type { Command } from 'commander';
import { POINT_CLOUD_STRATEGIES } from '../../nn/pointClouds.js';
import { printJSON } from '../output.js';
import type { CaptureCommandOptions } from './capture.js';

export function registerLayers(program: Command): void {
  program
    .command('layers')
    .description(
      'list the capturable layers of a network (model.onnx, or a tfjs layers or graph model.json) and their shapes',
    )
    .argument(
      '<model>',
      'an .onnx file or a TensorFlow.js model.json, layers or graph model (weight shards beside it)',
    )
    .option(
      '--input-shape <dims>',
      'ONNX or graph model: input shape for the shape probe, e.g. 1,3,224,224',
    )
    .option('--json', 'print the result as JSON')
    .action(async (model: string, opts: { inputShape?: string; json?: boolean }) => {
      const { layersOf, parseShape } = await import('./layers.js');
      const rows = await layersOf(model, parseShape(opts.inputShape));
      if (opts.json) {
        printJSON({ model, layers: rows });
        return;
      }
      const width = Math.max(4, ...rows.map((r) => r.name.length));
      const typeWidth = Math.max(4, ...rows.map((r) => r.type.length));
      process.stdout.write(`${'name'.padEnd(width)}  ${'type'.padEnd(typeWidth)}  shape\n`);
      for (const r of rows) {
        const shape = r.shape ? `[${r.shape.map((d) => d ?? '?').join(', ')}]` : '?';
        process.stdout.write(`${r.name.padEnd(width)}  ${r.type.padEnd(typeWidth)}  ${shape}\n`);
      }
    });
}

export function registerCapture(program: Command): void {
  program
    .command('capture')
    .description(
      'capture layer activations of a network on inputs and write one point cloud (.npy) per layer',
    )
    .argument(
      '<model>',
      'an .onnx file or a TensorFlow.js model.json, layers or graph model (weight shards beside it)',
    )
    .requiredOption(
      '--layers <names>',
      'comma-separated layer (tfjs layers model), node (graph model) or tensor (ONNX) names; see topolens layers',
    )
    .requiredOption(
      '--inputs <file.npy|file.npz>',
      'inputs, first axis = samples (images NHWC for tfjs, NCHW for ONNX by default); a graph model with several inputs: an .npz with one array per input name',
    )
    .requiredOption('--out <dir>', 'output folder; one <layer>.npy per layer')
    .option(
      '--strategy <name>',
      `point cloud per layer: ${POINT_CLOUD_STRATEGIES.join('|')}; auto chooses by the ` +
        "layer's rank: gap for conv outputs [h, w, c], class-token for tokens [t, d], dense for [c]",
      'auto',
    )
    .option('--batch-size <n>', 'inputs per forward pass', '128')
    .option('--seed <n>', 'seed of random-position and all-positions', '0')
    .option('--cap <n>', 'all-positions: at most this many points', '10000')
    .option('--mask <file.npy>', 'mask-weighted: per-input masks [n, height, width]')
    .option('--layout <NCHW|NHWC>', 'ONNX: layout of the model input', 'NCHW')
    .option('--input-layout <NCHW|NHWC>', 'ONNX: layout of --inputs (default: the model layout)')
    .option('--scale', 'per-feature min-max scaling of each point cloud ([M22] descriptors)')
    .option('--backend <wasm|cpu>', 'tfjs backend', 'wasm')
    .option('--json', 'print the result as JSON')
    .action(async (model: string, opts: CaptureCommandOptions) => {
      const { runCapture } = await import('./capture.js');
      const summary = await runCapture(model, opts, !opts.json);
      if (opts.json) {
        printJSON({ model, strategy: opts.strategy, layers: summary });
        return;
      }
      const how = (s: { strategy: string }) => (opts.strategy === 'auto' ? ` (${s.strategy})` : '');
      for (const s of summary)
        process.stdout.write(`${s.layer}${how(s)}: ${s.points} x ${s.features} -> ${s.file}\n`);
    });
}
