/**
 * Which upload store a server uses: the local folder unless any UPLOAD_S3_* variable is set, then
 * S3-compatible storage. Checked once at start-up, every problem at once, each naming its variable,
 * so a misconfigured server refuses to start instead of failing on the first liaison's upload.
 */
import { s3UploadStore, type S3UploadSettings } from './uploads-s3.js';
import { localUploadStore, type UploadStore } from './uploads.js';

const S3_VARIABLES = [
  'UPLOAD_S3_ENDPOINT',
  'UPLOAD_S3_BUCKET',
  'UPLOAD_S3_REGION',
  'UPLOAD_S3_ACCESS_KEY_ID',
  'UPLOAD_S3_SECRET_ACCESS_KEY',
  'UPLOAD_S3_FORCE_PATH_STYLE',
] as const;

export class UploadConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`上传文件存储配置有误：\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'UploadConfigError';
  }
}

export type UploadStoreConfig = { kind: 'local'; dir: string } | ({ kind: 's3' } & S3UploadSettings);

/** S3 bucket naming rules (3–63 characters: lower-case letters, digits, dots, hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,64}$/;
const BOOLEAN: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  false: false,
  '0': false,
  no: false,
};

export function uploadStoreConfig(env: NodeJS.ProcessEnv, localDir: string): UploadStoreConfig {
  const v = (name: (typeof S3_VARIABLES)[number]) => env[name]?.trim() ?? '';
  if (S3_VARIABLES.every((name) => v(name) === '')) return { kind: 'local', dir: localDir };

  const problems: string[] = [];
  const endpoint = v('UPLOAD_S3_ENDPOINT');
  if (endpoint !== '') {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      /* reported below */
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      problems.push(
        `UPLOAD_S3_ENDPOINT：应为 http:// 或 https:// 开头的地址（如 http://127.0.0.1:9000），现为「${endpoint}」`,
      );
    else if (url.pathname !== '/' || url.search !== '')
      problems.push(`UPLOAD_S3_ENDPOINT：只写服务地址，不要带路径或存储桶名（现为「${endpoint}」）`);
  }
  const bucket = v('UPLOAD_S3_BUCKET');
  if (bucket === '') problems.push('UPLOAD_S3_BUCKET：使用对象存储时必须填写存储桶名');
  else if (!BUCKET.test(bucket) || bucket.includes('..'))
    problems.push(
      `UPLOAD_S3_BUCKET：存储桶名只能是 3–63 位小写字母、数字、点和连字符，且以字母或数字开头结尾（现为「${bucket}」）`,
    );
  const region = v('UPLOAD_S3_REGION') || 'us-east-1';
  if (!REGION.test(region))
    problems.push(
      `UPLOAD_S3_REGION：区域只能含小写字母、数字和连字符（如 us-east-1、cn-north-1），现为「${region}」`,
    );
  const keyId = v('UPLOAD_S3_ACCESS_KEY_ID');
  const secret = v('UPLOAD_S3_SECRET_ACCESS_KEY');
  if (keyId !== '' && secret === '')
    problems.push('UPLOAD_S3_SECRET_ACCESS_KEY：已填写 UPLOAD_S3_ACCESS_KEY_ID，还须填写对应的密钥');
  if (keyId === '' && secret !== '')
    problems.push('UPLOAD_S3_ACCESS_KEY_ID：已填写 UPLOAD_S3_SECRET_ACCESS_KEY，还须填写对应的访问密钥 ID');
  const pathStyleText = v('UPLOAD_S3_FORCE_PATH_STYLE').toLowerCase();
  const pathStyle = pathStyleText === '' ? endpoint !== '' : BOOLEAN[pathStyleText];
  if (pathStyle === undefined)
    problems.push(
      `UPLOAD_S3_FORCE_PATH_STYLE：只能是 true 或 false，现为「${v('UPLOAD_S3_FORCE_PATH_STYLE')}」`,
    );
  if (problems.length > 0) throw new UploadConfigError(problems);

  return {
    kind: 's3',
    ...(endpoint !== '' ? { endpoint } : {}),
    bucket,
    region,
    ...(keyId !== '' ? { credentials: { accessKeyId: keyId, secretAccessKey: secret } } : {}),
    // Self-hosted servers (an endpoint is set) rarely have per-bucket DNS names.
    forcePathStyle: pathStyle ?? true,
  };
}

/** A one-line Chinese description for the start-up log; never includes the secret. */
export function describeUploadStore(c: UploadStoreConfig): string {
  if (c.kind === 'local') return `本地目录 ${c.dir}`;
  return `对象存储 ${c.endpoint ?? 'AWS S3'}（存储桶 ${c.bucket}，区域 ${c.region}）`;
}

export function openUploadStore(c: UploadStoreConfig): UploadStore {
  return c.kind === 'local' ? localUploadStore(c.dir) : s3UploadStore(c);
}
