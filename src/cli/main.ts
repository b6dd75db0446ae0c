#!/usr/bin/env node
/**
 * The `topolens` command. Each subcommand lives in its own file under ./commands and is listed
 * in ./registry.ts. Errors from bad input are printed as one clear message (exit code 2);
 * anything else is a bug and prints its stack (exit code 1).
 */
import { realpathSync } from 'node:fs';
import { Command } from 'commander';
import { commands } from './registry.js';
import { reportError } from './output.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('topolens')
    .description(
      'Topology and geometry of data inside neural networks: persistent homology, intrinsic\n' +
        'dimension, curvature, Ricci flow, Mapper and layer similarity.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

/** argv[1] through symlinks: npm installs the `topolens` bin as a link to dist/src/cli/main.js. */
function scriptPath(): string {
  try {
    return realpathSync(process.argv[1] ?? '');
  } catch {
    return process.argv[1] ?? '';
  }
}
const invokedDirectly = /cli[\\/]main\.(js|ts)$/.test(scriptPath());
if (invokedDirectly) void main();
