export * from './conversation.js';
export * from './schemas.js';
export * from './sse.js';
export * from './types.js';
