/** Every subcommand of `topolens`, one module each. Add a line here for a new command. */
import type { Command } from 'commander';
import { registerPh } from './commands/ph.js';
import { registerDistance } from './commands/distance.js';
import { registerIdCommand } from './commands/id.js';
import { registerCurvature } from './commands/curvature.js';
import { registerRicci } from './commands/ricci.js';
import { registerSimilarity } from './commands/similarity.js';
import { registerMapper } from './commands/mapper.js';
import { registerCapture, registerLayers } from './commands/nnCommands.js';
import { registerQuery } from './commands/query.js';
import { registerExport } from './commands/export.js';
import { registerRun } from './commands/run.js';
import { registerProfile } from './commands/profile.js';
import { registerFigure, registerReport, registerServe } from './commands/report.js';
import { registerQueueCommands } from './commands/queue.js';
import { registerDemo } from './commands/demo.js';

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
