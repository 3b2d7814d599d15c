/**
 * The API replica's entrypoint, as the image and `npm run stack` run it:
 * `node --import tsx client/api/main.ts`, configured by the environment and `.env` (config/).
 * Node is the process the operator (or the container runtime) signals: SIGTERM drains.
 */
import { runApiProcess } from './process.js';

await runApiProcess();
