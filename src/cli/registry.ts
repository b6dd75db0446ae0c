/** Every subcommand of `topolens`, one module each. Add a line here for a new command. */
import type { Command } from 'commander';
import { registerMapper } from './commands/mapper.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
commands.push(registerMapper);
