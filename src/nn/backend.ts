/**
 * TensorFlow.js backend set-up. The WebAssembly backend is the fast default on Node (the native
 * `tfjs-node` binding cannot be installed); it lacks a few gradient kernels that training needs,
 * which `./wasmKernels.ts` supplies. The pure-JS CPU backend is the fallback.
 */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { TopolensError, invalidOption } from '../core/errors.js';
import { registerMissingWasmKernels } from './wasmKernels.js';

export type BackendName = 'wasm' | 'cpu';

export interface BackendOptions {
  /** Which backend: `'wasm'` (default; WebAssembly with SIMD, ~40x faster CNN training than
   * `'cpu'`) or `'cpu'` (plain JavaScript, always available). */
  backend?: BackendName;
  /** Threads for the wasm backend (default 1; the threaded build is only used by browsers). Only
   * takes effect before the wasm backend is first initialised. */
  threads?: number;
}

/** The folder holding the backend's `.wasm` files, absolute, with a trailing separator. */
export function wasmBinaryFolder(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  return dirname(entry) + sep;
}

/**
 * Makes `backend` the active TensorFlow.js backend and returns its name. Idempotent: calling it
 * again with the same backend does nothing; the state lives in tfjs itself (its backend registry
 * and kernel registry), not in this module.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  const backend = options.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw invalidOption(`unknown backend '${String(backend)}'`, "use 'wasm' or 'cpu'");
  }
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw invalidOption(`threads must be a positive integer, got ${threads}`);
  }
  if (backend === 'wasm') {
    registerMissingWasmKernels();
    if (tf.findBackend('wasm') === null || tf.findBackend('wasm') === undefined) {
      setWasmPaths(wasmBinaryFolder());
      setThreadsCount(threads);
    }
  }
  if (tf.getBackend() === backend) return backend;
  const ok = await tf.setBackend(backend);
  if (!ok) {
    throw new TopolensError(
      'unsupported',
      `the TensorFlow.js '${backend}' backend failed to initialise`,
      backend === 'wasm'
        ? 'use --backend cpu (slower) or check the .wasm files in @tensorflow/tfjs-backend-wasm/dist'
        : undefined,
    );
  }
  await tf.ready();
  return backend;
}
