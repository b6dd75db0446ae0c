/**
 * The actions of the network commands (`layers`, `capture`; their options: ../specs/nn.ts).
 * Their implementations load TensorFlow.js and onnxruntime-node, so they are imported only when
 * one of these commands runs: every other command starts without them.
 */
import { printJSON } from '../output.js';
import type { CaptureCommandOptions } from './capture.js';

/** The `layers` command's action; its options: ../specs/nn.ts. */
export async function layersCommand(
  model: string,
  opts: { inputShape?: string; json?: boolean },
): Promise<void> {
  const { layersOf, parseShape } = await import('./layers.js');
  const rows = await layersOf(model, parseShape(opts.inputShape));
  if (opts.json) {
    printJSON({ model, layers: rows });
    return;
  }
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  const typeWidth = Math.max(4, ...rows.map((r) => r.type.length));
  process.stdout.write(`${'name'.padEnd(width)}  ${'type'.padEnd(typeWidth)}  shape\n`);
  for (const r of rows) {
    const shape = r.shape ? `[${r.shape.map((d) => d ?? '?').join(', ')}]` : '?';
    process.stdout.write(`${r.name.padEnd(width)}  ${r.type.padEnd(typeWidth)}  ${shape}\n`);
  }
}

/** The `capture` command's action; its options: ../specs/nn.ts. */
export async function captureCommand(model: string, opts: CaptureCommandOptions): Promise<void> {
  const { runCapture } = await import('./capture.js');
  const summary = await runCapture(model, opts, !opts.json);
  if (opts.json) {
    printJSON({ model, strategy: opts.strategy, layers: summary });
    return;
  }
  const how = (s: { strategy: string }) => (opts.strategy === 'auto' ? ` (${s.strategy})` : '');
  for (const s of summary)
    process.stdout.write(`${s.layer}${how(s)}: ${s.points} x ${s.features} -> ${s.file}\n`);
}
