/** Every subcommand of `topolens`, one module each. Add a line here for a new command. */
import type { Command } from 'commander';
import { registerCurvature } from './commands/curvature.js';
import { registerRicci } from './commands/ricci.js';
import { registerSimilarity } from './commands/similarity.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
commands.push(registerCurvature, registerRicci, registerSimilarity);
import { registerDistance } from './commands/distance.js';
commands.push(registerDistance);
