#!/usr/bin/env node
// The `ouen` command. ouen runs its TypeScript directly through tsx: no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
