export * from './types.js';
export * from './sse.js';
export * from './schemas.js';
