import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The package version, read once (works from src and from the built dist). */
export const VERSION: string = (require('../package.json') as { version: string }).version;
