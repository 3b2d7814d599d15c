/* global process, fetch, AbortSignal */
// The containers' HEALTHCHECK: GET http://127.0.0.1:<port>/healthz, exit 0 when it answers 200.
// Port: the first argument, else API_PORT, else 8080 (the worker's compose service passes its WORKER_HTTP_PORT).
const port = process.argv[2] ?? process.env.API_PORT ?? '8080';
try {
  const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  process.exit(r.ok ? 0 : 1);
} catch {
  process.exit(1);
}
