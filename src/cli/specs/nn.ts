/**
 * Name, usage and options of `topolens layers` and `topolens capture`. The implementation in
 * ../commands/ is imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import { POINT_CLOUD_STRATEGIES } from '../../nn/pointClouds.js';
import type { CaptureCommandOptions } from '../commands/capture.js';

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
      const { layersCommand } = await import('../commands/nnCommands.js');
      await layersCommand(model, opts);
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
      const { captureCommand } = await import('../commands/nnCommands.js');
      await captureCommand(model, opts);
    });
}
