/** A one-line progress bar on a terminal; silent when output is piped or in tests. */
export interface Progress {
  tick(): void;
  done(): void;
}

export function progressBar(
  total: number,
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY || total === 0) return { tick() {}, done() {} };
  let n = 0;
  let last = 0;
  const draw = () => {
    const width = 30;
    const filled = Math.round((n / total) * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total}`);
  };
  draw();
  return {
    tick() {
      n += 1;
      const now = Date.now();
      if (now - last > 100 || n === total) {
        last = now;
        draw();
      }
    },
    done() {
      draw();
      stream.write('\n');
    },
  };
}
