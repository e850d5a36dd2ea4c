/**
 * The build every workspace package shares: ESM with type declarations and source maps, for Node 20.
 * A package's tsup.config.ts re-exports this, or spreads `base` and changes only what differs.
 */
import { defineConfig, type Options } from 'tsup';

export const base = {
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
} satisfies Options;

export default defineConfig(base);
