export { startGateway, ConfigError, type RunningGateway, type ServeOptions } from './server.js';
export { configSource, type ConfigSource } from './load.js';
export { defaultConfigYaml } from './default-config.js';
export { ModuleRegistry } from './registry.js';
