/**
 * SIGINT or SIGTERM, listened for from the moment a long-running command starts: a
 * signal while it starts stops it once it has started, instead of killing it with its
 * database server still running. Whoever reads the command's output may be gone by the
 * time it stops (a closed pipe): stopping, and with it the database server, must not
 * fail on a line nobody reads.
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
