export * from './mock-server.js';
export * from './conformance-types.js';
