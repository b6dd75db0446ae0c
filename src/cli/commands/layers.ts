/**
 * `topolens layers <model>`: the capturable layers of a network and their output shapes. For a
 * tfjs model.json: every layer (block outputs of topolens' built-in networks are `block1`, ...).
 * For an ONNX file: every node output, with shapes from one probe run on a zero input. For a tfjs
 * graph model: every node but the weights, with shapes from one probe run on zero inputs.
 */
import { invalidOption } from '../../core/errors.js';
import { listLayers } from '../../nn/capture.js';
import type * as tf from '@tensorflow/tfjs';
import { graphModelInputs, listGraphNodes, probeGraphShapes } from '../../nn/graphModel.js';
import { listOnnxTensors, onnxInputs, probeOnnxShapes } from '../../nn/onnx.js';
import { loadNetwork } from './nnModel.js';

/** Most values in the --input-shape probe: 2^28 float32 = 1 GiB. */
const MAX_PROBE_ELEMENTS = 2 ** 28;

export interface LayerRow {
  name: string;
  type: string;
  /** Output shape without the batch axis; null where unknown. */
  shape: (number | null)[] | null;
}

export function parseShape(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const dims = text.split(',').map((s) => Number(s.trim()));
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw invalidOption(
      `--input-shape must be positive integers separated by commas, got '${text}'`,
    );
  }
  // the probe runs the network on a zero input of this shape
  const size = dims.reduce((a, b) => a * b, 1);
  if (size > MAX_PROBE_ELEMENTS) {
    throw invalidOption(
      `--input-shape ${text} is ${size.toExponential(2)} input values, more than the ${MAX_PROBE_ELEMENTS.toExponential(2)} (1 GiB of float32) allowed for the shape probe.`,
      'Give the shape of one input with batch 1, e.g. 1,3,224,224.',
    );
  }
  return dims;
}

/** Graph model nodes (weights left out), with shapes from a probe where the inputs allow one. */
async function graphRows(model: tf.GraphModel, inputShape?: number[]): Promise<LayerRow[]> {
  const inputs = graphModelInputs(model);
  if (inputShape !== undefined && inputs.length !== 1) {
    throw invalidOption(
      `--input-shape gives one shape but the graph model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')})`,
    );
  }
  const canProbe =
    inputShape !== undefined ||
    inputs.every((i) => i.shape !== null && i.shape.slice(1).every((d) => d !== null));
  let nodes = listGraphNodes(model);
  if (inputShape !== undefined) {
    nodes = await probeGraphShapes(model, { [inputs[0].name]: inputShape });
  } else if (canProbe) {
    // the listing matters more than the shapes: a graph that zeros cannot run is listed without
    // them ('?'), and --input-shape makes the probe's error visible
    nodes = await probeGraphShapes(model).catch(() => nodes);
  }
  return nodes.map((n) => ({
    name: n.name,
    type: n.op,
    shape: n.shape && n.shape[0] === null ? n.shape.slice(1) : n.shape,
  }));
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
  if (net.kind === 'graph') {
    try {
      return await graphRows(net.model, inputShape);
    } finally {
      net.model.dispose();
    }
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
