// Builds the report viewer (docs/report.md) into one IIFE script and one stylesheet in
// dist/viewer, which `topolens report` inlines into the report file.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/viewer', import.meta.url)),
    emptyOutDir: true,
    minify: true,
    target: 'es2020',
    lib: {
      entry: fileURLToPath(new URL('./main.ts', import.meta.url)),
      name: 'TopolensViewer',
      formats: ['iife'],
      fileName: () => 'viewer.js',
      cssFileName: 'viewer',
    },
  },
});
