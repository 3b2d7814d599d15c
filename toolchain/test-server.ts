import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cacheDir } from './paths.js';
import { PARENT_WATCH_SHELL } from './parent-watch.js';
import { freePort, waitForPort } from './ports.js';
import { ToolchainError, findOnPath, runWithProgress } from './run-command.js';

/** Pinned Java time-skipping test server, fetched from Maven Central with its runtime jars. */
const TEST_SERVER_VERSION = '1.38.0';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

const installDir = path.join(cacheDir, `temporal-test-server-${TEST_SERVER_VERSION}`);
const wrapperPath = path.join(installDir, 'temporal-test-server');

const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.campaign-orchestrator</groupId>
  <artifactId>temporal-test-server-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

/**
 * The SDK gives the server 5 s to answer. On a busy 2-core machine a cold JVM can miss that, so
 * the wrapper uses a class-data-sharing archive made on first fetch (port open in ~0.3 s instead of
 * ~1 s) and a quick-start JIT/GC. A watcher ends the JVM if the process that started it dies
 * (a killed test worker must not leave a server behind); `exec` keeps the JVM's pid the one the
 * SDK knows, so its normal teardown signal reaches java directly.
 */
const wrapper = `#!/bin/sh
dir=$(cd "$(dirname "$0")" && pwd)
parent=$PPID
self=$$
${PARENT_WATCH_SHELL}
cds=""
[ -f "$dir/app.jsa" ] && cds="-XX:SharedArchiveFile=$dir/app.jsa -Xshare:auto"
exec java $cds -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k \\
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \\
  -cp "$dir/lib/*" io.temporal.testserver.TestServer "$@"
`;

/**
 * Returns the path of an executable that starts the time-skipping server on the port given as its
 * only argument: `TEMPORAL_TEST_SERVER_PATH`, else the cached install, else fetches it with Maven.
 */
export async function ensureTestServer(): Promise<string> {
  const explicit = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    if (!existsSync(explicit))
      throw new ToolchainError(`TEMPORAL_TEST_SERVER_PATH 指向的文件不存在：${explicit}`);
    return explicit;
  }
  if (existsSync(wrapperPath)) return wrapperPath;

  const [java, mvn] = await Promise.all([findOnPath('java'), findOnPath('mvn')]);
  if (!java || !mvn) {
    throw new ToolchainError(
      [
        `工作流测试需要 Java 时间跳跃测试服务器（io.temporal:temporal-test-server ${TEST_SERVER_VERSION}），`,
        `而本机缺少 ${[!java && 'Java（JDK ≥ 11）', !mvn && 'Maven'].filter(Boolean).join(' 和 ')}。`,
        '  安装：Debian/Ubuntu 上 `apt-get install openjdk-17-jdk-headless maven`；',
        '  或设置 TEMPORAL_TEST_SERVER_PATH 指向一个可执行文件（参数为端口号）。',
      ].join('\n'),
    );
  }

  const staging = `${installDir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(path.join(staging, 'pom.xml'), pom);
    await runWithProgress(
      `从 Maven Central 获取 temporal-test-server ${TEST_SERVER_VERSION} 及其依赖（首次约 10–60 秒）`,
      mvn,
      [
        '-B',
        '-q',
        '-f',
        'pom.xml',
        `${DEPENDENCY_PLUGIN}:copy-dependencies`,
        '-DoutputDirectory=lib',
        '-DincludeScope=runtime',
      ],
      { cwd: staging },
    );
    await writeFile(path.join(staging, 'temporal-test-server'), wrapper);
    await chmod(path.join(staging, 'temporal-test-server'), 0o755);
    if (!existsSync(wrapperPath)) {
      await rm(installDir, { recursive: true, force: true });
      await rename(staging, installDir);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  // The archive records the class path it was made with and is refused under any other, so it is
  // made in the final folder, never in the staging one.
  if (!existsSync(path.join(installDir, 'app.jsa'))) await trainClassDataArchive(java, installDir);
  return wrapperPath;
}

/** Starts the server once with -XX:ArchiveClassesAtExit so later starts map the loaded classes. */
async function trainClassDataArchive(java: string, dir: string): Promise<void> {
  const port = await freePort();
  const partial = path.join(dir, `app.jsa.${process.pid}`);
  const child = spawn(
    java,
    [
      `-XX:ArchiveClassesAtExit=${partial}`,
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-cp',
      `${path.join(dir, 'lib')}/*`,
      'io.temporal.testserver.TestServer',
      String(port),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await waitForPort(port, 60_000);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  if (existsSync(partial)) await rename(partial, path.join(dir, 'app.jsa'));
}
