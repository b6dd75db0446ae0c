/** Networks: backend set-up, built-in architectures, training, capture, point clouds, ONNX,
 * attacks. */
export { initBackend, wasmBinaryFolder } from './backend.js';
export type { BackendName, BackendOptions } from './backend.js';
export * from './architectures/index.js';
export * from './train.js';
export { saveModel, loadModel, parseModelJson, WEIGHTS_FILE } from './modelIO.js';
export type { SavedModel, ModelFormat, ParsedModelJson } from './modelIO.js';
export {
  loadGraphModel,
  graphModelInputs,
  listGraphNodes,
  probeGraphShapes,
  captureGraphModel,
} from './graphModel.js';
export type { GraphInputInfo, GraphNodeInfo, GraphCaptureOptions } from './graphModel.js';
export {
  parseWeightsManifest,
  weightSpecs,
  shardPaths,
  joinShards,
  storedByteLength,
  checkWeightBytes,
  quantizationErrorBound,
} from './weightsManifest.js';
export type {
  WeightSpec,
  WeightQuantization,
  QuantizationDtype,
  WeightsManifestGroup,
} from './weightsManifest.js';
export * from './capture.js';
export * from './pointClouds.js';
export {
  parseOnnx,
  listOnnxTensors,
  onnxInputs,
  exposeTensors,
  captureOnnx,
  probeOnnxShapes,
} from './onnx.js';
export type { Layout, OnnxTensorInfo, OnnxCaptureOptions } from './onnx.js';
export * from './attacks.js';
export { encodeNpyFloat32 } from './npyWrite.js';
export type { TensorData, FloatTensorData } from './tensorData.js';
export * from './layerClouds.js';
