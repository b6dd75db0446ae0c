/** Every subcommand of `topolens`, one module each. Add a line here for a new command. */
import type { Command } from 'commander';
import { registerPh } from './commands/ph.js';
import { registerCurvature } from './commands/curvature.js';
import { registerRicci } from './commands/ricci.js';
import { registerSimilarity } from './commands/similarity.js';
import { registerIdCommand } from './commands/id.js';
import { registerMapper } from './commands/mapper.js';
import { registerLayers } from './commands/layers.js';
import { registerCapture } from './commands/capture.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerPh,
  registerIdCommand,
  registerCurvature,
  registerRicci,
  registerSimilarity,
  registerMapper,
  registerLayers,
  registerCapture,
];
