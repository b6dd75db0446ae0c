/** Every subcommand of `topolens`, one module each. Add a line here for a new command. */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
import { registerDistance } from './commands/distance.js';
commands.push(registerDistance);
