/**
 * `topolens ph <file>`: name, usage and options. The computation (../commands/ph.ts) is loaded
 * only when the command runs, so that `--help` and the other commands start without it
 * (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import { INPUT_FORMATS } from '../../data/inputFormats.js';
import type { PhFlags } from '../commands/ph.js';

/** Default --memory-limit: this share of the machine's memory. */
export const DEFAULT_MEMORY_SHARE = '75%';

export function registerPh(program: Command): void {
  program
    .command('ph')
    .description(
      'Vietoris-Rips persistent homology of a point cloud or a distance matrix (Ripser-compatible).',
    )
    .argument('<file>', 'input file; format from the extension unless --format is given')
    .option('--maxdim <k>', 'largest homology dimension computed', '1')
    .option(
      '--threshold <t>',
      'largest edge length in the filtration (default: the enclosing radius)',
    )
    .option('--coeff <p>', 'prime p: coefficients in Z/p', '2')
    .option('--format <name>', `input format: ${INPUT_FORMATS.join(', ')}`)
    .option('--array <name>', 'array to use in an .npz or .safetensors file')
    .option(
      '--metric <name>',
      'distance between points: euclidean, cosine, correlation',
      'euclidean',
    )
    .option('--collapse <mode>', 'edge collapse before the computation: auto, on, off', 'auto')
    .option(
      '--threads <k>',
      "threads for the computation: a number, or 'auto' (default: every core, for dimensions 2 and up, and two for an edge collapse of 500,000 edges or more; see docs/persistent-homology.md, Threads)",
    )
    .option('--cocycles', 'compute representative cocycles (in --json and .json output)')
    .option(
      '--out <file>',
      'write the diagrams: .json (topolens JSON), .csv (dimension,birth,death), .txt (Ripser text)',
    )
    .option(
      '--summary',
      'also print descriptors per dimension: lifespan sum, mean lifespan, entropy, max persistence',
    )
    .option(
      '--memory-limit <size>',
      `refuse a run estimated to need more memory: a size (8GiB, 512MiB) or a share of this machine's (default ${DEFAULT_MEMORY_SHARE})`,
    )
    .option('--json', 'print the whole result as JSON on stdout, nothing else')
    .action(async (file: string, flags: PhFlags) => {
      const { phCommand } = await import('../commands/ph.js');
      phCommand(file, flags);
    });
}
