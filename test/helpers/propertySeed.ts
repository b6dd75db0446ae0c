/**
 * Vitest setup file: fast-check's properties draw their cases from a seed fixed per commit (the
 * first 8 hex digits of the checked-out commit, or TOPOLENS_FC_SEED). A fresh clone then runs
 * exactly the cases CI will run for that commit, so a property case that fails, or a case that
 * sends a computation into a loop Vitest cannot interrupt, shows up before submitting rather than
 * once in CI; each new commit still explores new cases. A failing property prints its seed and
 * path as usual (fc.assert's report), and TOPOLENS_FC_SEED=<seed> replays it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

/** The commit's seed: HEAD's hash read from .git (a file for a branch, or a detached hash). */
export function commitSeed(root: string): number | undefined {
  const git = join(root, '.git');
  const headFile = join(git, 'HEAD');
  if (!existsSync(headFile)) return undefined;
  let head = readFileSync(headFile, 'utf8').trim();
  const ref = /^ref: (.+)$/.exec(head);
  if (ref) {
    const loose = join(git, ref[1]);
    if (existsSync(loose)) head = readFileSync(loose, 'utf8').trim();
    else {
      const packed = join(git, 'packed-refs');
      const line = existsSync(packed)
        ? readFileSync(packed, 'utf8')
            .split('\n')
            .find((l) => l.endsWith(` ${ref[1]}`))
        : undefined;
      if (!line) return undefined;
      head = line.split(' ')[0];
    }
  }
  return /^[0-9a-f]{8}/.test(head) ? parseInt(head.slice(0, 8), 16) | 0 : undefined;
}

const fromEnv = process.env.TOPOLENS_FC_SEED;
const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : commitSeed(process.cwd());
if (seed !== undefined && Number.isFinite(seed)) fc.configureGlobal({ seed });
