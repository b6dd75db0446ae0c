/**
 * A folder of images, one sub-folder per class (`root/<class>/*.png|jpg|jpeg`), read into one
 * array N x H x W x C of floats in [0, 1]. Classes are the sub-folder names in sorted order;
 * files within a class are sorted by name. All images must have the same size.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { imageDataset } from './mnist.js';
import { PNG } from 'pngjs';
import { TopolensError, invalidInput } from '../core/errors.js';
import type { ImageDataset } from './mnist.js';

export interface ImageFolderOptions {
  /** `grayscale` (C = 1, luma 0.299 R + 0.587 G + 0.114 B) or `rgb` (C = 3). Default rgb. */
  mode?: 'grayscale' | 'rgb';
}

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

function decode(path: string): { width: number; height: number; rgba: Uint8Array } {
  const bytes = readFileSync(path);
  try {
    if (extname(path).toLowerCase() === '.png') {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (err) {
    throw invalidInput(`Cannot decode image ${path}: ${(err as Error).message}`);
  }
}

/** Reads the folder into an ImageDataset (a LabelledData of [N, H, W, C] inputs). */
export function loadImageFolder(root: string, options: ImageFolderOptions = {}): ImageDataset {
  const mode = options.mode ?? 'rgb';
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
    const img = decode(path);
    if (i === 0) {
      width = img.width;
      height = img.height;
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
