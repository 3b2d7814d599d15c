import path from 'node:path';
import { cacheDir } from './paths.js';

/** Where the background build (toolchain/background-build.ts) writes its output. */
export const backgroundBuildLog = path.join(cacheDir, 'background-build.log');
