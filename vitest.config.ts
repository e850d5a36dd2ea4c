import { defineConfig } from 'vitest/config';

// One run over the whole workspace. Workspace packages resolve to their TypeScript sources
// (the "source" export condition), so tests never wait for a build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['{packages,plugins,apps,examples,bench}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
