import { defineConfig } from 'tsup';
import { base } from '../../tsup.base';

// The CLI is a second entry; only the library entry gets type declarations.
export default defineConfig({
  ...base,
  entry: ['src/index.ts', 'src/cli.ts'],
  dts: { entry: 'src/index.ts' },
});
