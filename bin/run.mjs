#!/usr/bin/env node
// `node bin/run.mjs worker/main` or `client/api/main`: an entry point, compiled when the build is current (bin/launch.mjs).
import { launch } from './launch.mjs';

const entry = process.argv[2];
if (!entry) {
  console.error('用法：node bin/run.mjs <入口，如 worker/main 或 client/api/main> [参数…]');
  process.exit(2);
}
process.argv.splice(2, 1); // the entry sees its own arguments only
await launch(entry);
