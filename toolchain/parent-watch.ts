/**
 * Shell lines that start a background watcher ending process `$self` once process `$parent` is
 * gone (or a zombie). Placed before `exec server …`, so the server dies with the Node process that
 * started it even if that process is SIGKILLed and never runs its teardown.
 */
export const PARENT_WATCH_SHELL = [
  `alive() { kill -0 "$1" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }`,
  '( while alive "$parent" && alive "$self"; do sleep 1; done',
  '  kill -TERM "$self" 2>/dev/null; n=0',
  '  while alive "$self" && [ $n -lt 20 ]; do sleep 0.5; n=$((n+1)); done',
  '  alive "$self" && kill -KILL "$self" 2>/dev/null ) </dev/null >/dev/null 2>&1 &',
].join('\n');
