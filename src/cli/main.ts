#!/usr/bin/env node
/**
 * The `topolens` command. Each subcommand lives in its own file under ./commands and is listed
 * in ./registry.ts. Errors from bad input, usage errors (an unknown command or option, a missing
 * required option) and files that cannot be written are printed as one clear message (exit code
 * 2); --help and --version exit 0; anything else is a bug and prints its stack (exit code 1).
 * A reader that stops early (`topolens ph --json | head -1`) ends the program quietly.
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
    .showHelpAfterError('(run with --help for usage)')
    // usage errors are thrown to main (exit code 2) instead of exiting with commander's 1; the
    // subcommands inherit this as they are added below
    .exitOverride();
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

/**
 * Ends the program quietly (exit code 0, no stack trace) when standard output is closed by its
 * reader (EPIPE: `topolens ph --json | head -1`); other stream errors are reported as usual.
 */
export function exitQuietlyOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    process.exitCode = reportError(err);
  });
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
if (invokedDirectly) {
  exitQuietlyOnBrokenPipe();
  void main();
}
