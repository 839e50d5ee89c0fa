#!/usr/bin/env node
// The osa-bench command. The sources are TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
