/** Configuration is wrong: the process should stop and say what to fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
