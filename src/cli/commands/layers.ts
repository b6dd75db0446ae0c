/**
 * `topolens layers <model>`: the capturable layers of a network and their output shapes. For a
 * tfjs model.json: every layer (block outputs of topolens' built-in networks are `block1`, ...).
 * For an ONNX file: every node output, with shapes from one probe run on a zero input.
 */
import type { Command } from 'commander';
import { invalidOption } from '../../core/errors.js';
import { listLayers } from '../../nn/capture.js';
import { listOnnxTensors, onnxInputs, probeOnnxShapes } from '../../nn/onnx.js';
import { printJSON } from '../output.js';
import { loadNetwork } from './nnModel.js';

export interface LayerRow {
  name: string;
  type: string;
  /** Output shape without the batch axis; null where unknown. */
  shape: (number | null)[] | null;
}

function parseShape(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const dims = text.split(',').map((s) => Number(s.trim()));
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw invalidOption(
      `--input-shape must be positive integers separated by commas, got '${text}'`,
    );
  }
  return dims;
}

export async function layersOf(path: string, inputShape?: number[]): Promise<LayerRow[]> {
  const net = await loadNetwork(path);
  if (net.kind === 'tfjs') {
    const rows = listLayers(net.model).map((l) => ({
      name: l.name,
      type: l.className,
      shape: l.outputShape,
    }));
    net.model.dispose();
    return rows;
  }
  const input = onnxInputs(net.model)[0];
  const canProbe =
    inputShape !== undefined || (input?.shape ?? [null]).slice(1).every((d) => d !== null);
  const tensors = canProbe
    ? await probeOnnxShapes(net.model, inputShape)
    : listOnnxTensors(net.model);
  return tensors.map((t) => ({
    name: t.name,
    type: t.opType,
    shape: t.shape ? t.shape.slice(1) : null,
  }));
}

export function registerLayers(program: Command): void {
  program
    .command('layers')
    .description(
      'list the capturable layers of a network (model.onnx or tfjs model.json) and their shapes',
    )
    .argument('<model>', 'an .onnx file or a TensorFlow.js model.json (weights file beside it)')
    .option('--input-shape <dims>', 'ONNX: input shape for the shape probe, e.g. 1,3,224,224')
    .option('--json', 'print the result as JSON')
    .action(async (model: string, opts: { inputShape?: string; json?: boolean }) => {
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
