/**
 * Name, usage and options of `topolens query`. The implementation in ../commands/ is
 * imported by the action, only when the command runs (docs/cli.md, "Start-up").
 */
import type { Command } from 'commander';
import { DEFAULT_STORE_PATH } from '../../run/storeSchema.js';

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run SQL on a results store (read-only) and print the rows')
    .argument('<sql>', 'the SQL, e.g. "SELECT study, count(*) FROM measures GROUP BY study"')
    .option('--store <path>', 'the results store file', DEFAULT_STORE_PATH)
    .option('--json', 'print the rows as a JSON array of objects')
    .action(async (sql: string, opts: { store: string; json?: boolean }) => {
      const { queryCommand } = await import('../commands/query.js');
      await queryCommand(sql, opts);
    });
}
