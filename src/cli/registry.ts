/**
 * Every subcommand of `topolens`: its name, usage and options (./specs/), which is all that is
 * loaded at start-up. Each command's implementation (./commands/) and the libraries it needs
 * (TensorFlow.js, onnxruntime, DuckDB, BullMQ, Fastify, ...) are imported by its action when it
 * runs (docs/cli.md, "Start-up"). A new command: a spec file whose action imports its
 * implementation with `await import()`, and a line here. Keep the specs' own imports light
 * (test/cli/startup.test.ts checks what they load).
 */
import type { Command } from 'commander';
import { registerPh } from './specs/ph.js';
import { registerDistance } from './specs/distance.js';
import { registerIdCommand } from './specs/id.js';
import { registerCurvature } from './specs/curvature.js';
import { registerRicci } from './specs/ricci.js';
import { registerSimilarity } from './specs/similarity.js';
import { registerMapper } from './specs/mapper.js';
import { registerCapture, registerLayers } from './specs/nn.js';
import { registerQuery } from './specs/query.js';
import { registerExport } from './specs/export.js';
import { registerRun } from './specs/run.js';
import { registerProfile } from './specs/profile.js';
import { registerFigure, registerReport, registerServe } from './specs/report.js';
import { registerQueueCommands } from './specs/queue.js';
import { registerDemo } from './specs/demo.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerPh,
  registerDistance,
  registerIdCommand,
  registerCurvature,
  registerRicci,
  registerSimilarity,
  registerMapper,
  registerLayers,
  registerCapture,
  registerQuery,
  registerExport,
  registerRun,
  registerProfile,
  registerReport,
  registerFigure,
  registerServe,
  registerQueueCommands,
  registerDemo,
];
