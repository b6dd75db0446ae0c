/**
 * A folder of images, one sub-folder per class (`root/<class>/*.png|jpg|jpeg`), read into one
 * array N x H x W x C of floats in [0, 1]. Classes are the sub-folder names in sorted order;
 * files within a class are sorted by name. All images must have the same size.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { imageDataset } from './images.js';
import { PNG } from 'pngjs';
import { TopolensError, invalidInput } from '../core/errors.js';
import type { ImageDataset } from './images.js';
import {
  DEFAULT_MAX_IMAGE_PIXELS,
  DEFAULT_MAX_INFLATED_BYTES,
  formatBytes,
} from './inflateLimit.js';

export interface ImageFolderOptions {
  /** `grayscale` (C = 1, luma 0.299 R + 0.587 G + 0.114 B) or `rgb` (C = 3). Default rgb. */
  mode?: 'grayscale' | 'rgb';
  /**
   * Refuse an image whose header declares more pixels than this (a small compressed file can
   * claim a huge image; docs/io.md, "Compressed input"). Default 100 megapixels.
   */
  maxImagePixels?: number;
  /** Refuse a folder whose decoded array would exceed this many bytes. Default 2 GiB. */
  maxDecodedBytes?: number;
}

function tooManyPixels(path: string, width: number, height: number, limit: number): TopolensError {
  return new TopolensError(
    'too-large',
    `image ${path} declares ${width} x ${height} pixels, above the limit of ${(limit / 1e6).toFixed(0)} megapixels.`,
    'Resize the images first (a dataset of this size needs no such resolution), or raise maxImagePixels.',
  );
}

/** PNG: width and height from the IHDR chunk, before any inflation; null if not a PNG. */
function pngSize(bytes: Uint8Array): [number, number] | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || sig.some((b, k) => bytes[k] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16, false), view.getUint32(20, false)];
}

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

function decode(
  path: string,
  maxPixels: number,
): { width: number; height: number; rgba: Uint8Array } {
  const bytes = readFileSync(path);
  try {
    if (extname(path).toLowerCase() === '.png') {
      const size = pngSize(bytes);
      if (size && size[0] * size[1] > maxPixels)
        throw tooManyPixels(path, size[0], size[1], maxPixels);
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((maxPixels * 4) / 2 ** 20) + 64,
    });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (err) {
    if (err instanceof TopolensError) throw err;
    throw invalidInput(`Cannot decode image ${path}: ${(err as Error).message}`);
  }
}

/** Reads the folder into an ImageDataset (a LabelledData of [N, H, W, C] inputs). */
export function loadImageFolder(root: string, options: ImageFolderOptions = {}): ImageDataset {
  const mode = options.mode ?? 'rgb';
  const maxPixels = options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const maxBytes = options.maxDecodedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  let entries: string[];
  try {
    entries = readdirSync(root).sort();
  } catch {
    throw new TopolensError('missing-file', `Cannot read the image folder ${root}.`);
  }
  const classNames = entries.filter((e) => statSync(join(root, e)).isDirectory());
  if (classNames.length === 0) {
    throw invalidInput(
      `${root} has no sub-folders; put the images of each class in their own folder (root/<class>/image.png).`,
    );
  }
  const files: { path: string; label: number }[] = [];
  classNames.forEach((c, label) => {
    for (const f of readdirSync(join(root, c)).sort()) {
      if (EXTENSIONS.has(extname(f).toLowerCase())) files.push({ path: join(root, c, f), label });
    }
  });
  if (files.length === 0) throw invalidInput(`No .png/.jpg/.jpeg images under ${root}.`);
  const channels = mode === 'grayscale' ? 1 : 3;
  let width = 0,
    height = 0,
    images = new Float32Array(0);
  const labels = new Int32Array(files.length);
  files.forEach(({ path, label }, i) => {
    const img = decode(path, maxPixels);
    if (i === 0) {
      width = img.width;
      height = img.height;
      const bytes = files.length * width * height * channels * 4;
      if (bytes > maxBytes) {
        throw new TopolensError(
          'too-large',
          `${files.length} images of ${width} x ${height} x ${channels} need ${formatBytes(bytes)} as float32, above the limit of ${formatBytes(maxBytes)}.`,
          'Use fewer or smaller images (resize them first), or raise maxDecodedBytes.',
        );
      }
      images = new Float32Array(files.length * width * height * channels);
    } else if (img.width !== width || img.height !== height) {
      throw invalidInput(
        `Images differ in size: ${path} is ${img.width}x${img.height} but ${files[0].path} is ${width}x${height}.`,
        'Resize all images to one size first.',
      );
    }
    labels[i] = label;
    const base = i * width * height * channels;
    for (let p = 0; p < width * height; p++) {
      const r = img.rgba[4 * p] / 255;
      const g = img.rgba[4 * p + 1] / 255;
      const b = img.rgba[4 * p + 2] / 255;
      if (channels === 1) images[base + p] = 0.299 * r + 0.587 * g + 0.114 * b;
      else {
        images[base + 3 * p] = r;
        images[base + 3 * p + 1] = g;
        images[base + 3 * p + 2] = b;
      }
    }
  });
  return imageDataset(
    images,
    [files.length, height, width, channels],
    labels,
    classNames,
    basename(root),
  );
}
