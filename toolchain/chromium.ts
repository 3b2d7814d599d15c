import { existsSync } from 'node:fs';
import path from 'node:path';
import { BuildLock } from './build-lock.js';
import { cacheDir } from './paths.js';
import { ToolchainError, findOnPath, runWithProgress } from './run-command.js';

/** Debian's package: the project never downloads a browser build of its own. */
const DEBIAN_PACKAGE = 'chromium';
/** Without a CJK font every Chinese character renders as a box in the screenshots. */
const CJK_FONT_PACKAGE = 'fonts-wqy-microhei';
const CJK_FONT_FILE = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const INSTALL_COMMAND = `apt-get update && apt-get install -y ${DEBIAN_PACKAGE} ${CJK_FONT_PACKAGE}`;
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
/** apt-get's download and install of Chromium takes a few minutes on a slow mirror. */
const INSTALL_WAIT_MS = 15 * 60_000;

/**
 * Returns the path of a Chromium the browser tests can drive: `CHROMIUM_PATH`, else Debian's
 * package; when missing and running as root on Debian, installs it with apt-get (CI runs as root).
 */
export async function ensureChromium(): Promise<string> {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new ToolchainError(`CHROMIUM_PATH 指向的文件不存在：${explicit}`);
    return explicit;
  }
  const found = findInstalled() ?? (await findOnPath('chromium'));
  const needs = [...(found ? [] : [DEBIAN_PACKAGE]), ...(hasCjkFont() ? [] : [CJK_FONT_PACKAGE])];
  if (found && needs.length === 0) return found;

  const aptGet = await findOnPath('apt-get');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!aptGet || !isRoot) {
    // A browser without Chinese glyphs still runs the tests; only the screenshots suffer.
    if (found) return found;
    throw new ToolchainError(
      [
        '找不到浏览器测试所需的 Chromium。请安装 Debian 自带的 chromium 软件包后再运行：',
        `  sudo sh -c '${INSTALL_COMMAND}'`,
        '或设置 CHROMIUM_PATH=/path/to/chromium 指向已有的 Chromium。',
      ].join('\n'),
    );
  }
  // Browser test files run side by side and each asks for Chromium: one installs, the others
  // wait for it (two apt-get runs at once fail on dpkg's lock) and then look again.
  const lock = new BuildLock(path.join(cacheDir, 'chromium-install.lock'), ' Chromium（apt-get）');
  if (!(await lock.take())) {
    await lock.waitForOther(INSTALL_WAIT_MS, (line) => process.stderr.write(`[toolchain] ${line}\n`));
    return ensureChromium();
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await runWithProgress('更新 Debian 软件包索引', aptGet, ['update', '-qq'], { env });
    await runWithProgress(`安装 Debian 的 ${needs.join('、')}`, aptGet, ['install', '-y', '-qq', ...needs], {
      env,
    });
  } finally {
    await lock.release();
  }
  const installed = found ?? findInstalled();
  if (!installed)
    throw new ToolchainError(`已执行 apt-get install ${DEBIAN_PACKAGE}，但仍找不到 /usr/bin/chromium`);
  return installed;
}

function hasCjkFont(): boolean {
  return existsSync(CJK_FONT_FILE) || existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
}

function findInstalled(): string | undefined {
  return CANDIDATES.find((candidate) => existsSync(candidate));
}

/**
 * Flags for a quiet, isolated headless run: no GPU, no sandbox (root in CI), and nothing that
 * reaches out to the network on its own (updates, sync, QUIC probes).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
