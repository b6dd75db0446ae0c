/** Networks: backend set-up, built-in architectures, training, capture, point clouds, ONNX,
 * attacks. */
export { initBackend, wasmBinaryFolder } from './backend.js';
export type { BackendName, BackendOptions } from './backend.js';
export * from './architectures/index.js';
export * from './train.js';
export { saveModel, loadModel, WEIGHTS_FILE } from './modelIO.js';
export type { SavedModel } from './modelIO.js';
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
