export { defaultConfigYaml } from './default-config.js';
export { type ConfigSource, configSource } from './load.js';
export { ModuleRegistry } from './registry.js';
export { ConfigError, type RunningGateway, type ServeOptions, startGateway } from './server.js';
