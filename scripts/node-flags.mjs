/**
 * Node flags the server runs with: `npm start`, the `ouen` command's shebang and the
 * benchmark all use exactly these (test/cli/node-flags.test.ts keeps them in step).
 *
 * `--max-semi-space-size=4`: the web thread's young generation stays small. V8's default
 * (16 MB semi-spaces) lets it grow by tens of MB under a webhook burst; with 4 MB the
 * process stays within its memory budget at a few percent of throughput (BENCHMARKS.md).
 * The processing thread's heap is limited separately (runtime/start-processing.ts).
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];
