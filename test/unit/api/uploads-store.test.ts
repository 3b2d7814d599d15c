/**
 * The local-folder upload store against the shared contract, and the start-up check that picks
 * the store from UPLOAD_S3_* (every problem reported at once, each naming its variable).
 */
import { readdir, stat } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  UploadConfigError,
  describeUploadStore,
  uploadStoreConfig,
} from '../../../client/api/uploads-config.js';
import { objectKeyOf } from '../../../client/api/uploads-s3.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { uploadStoreContract } from './uploads-contract.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'uploads-contract-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

uploadStoreContract('local folder', () => ({
  store: localUploadStore(dir),
  async snapshot() {
    const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    const rows = await Promise.all(
      files.map(async (e) => {
        const full = path.join(e.parentPath, e.name);
        return `${path.relative(dir, full)}@${(await stat(full, { bigint: true })).mtimeNs}`;
      }),
    );
    return rows.sort();
  },
}));

function configError(env: NodeJS.ProcessEnv): string[] {
  try {
    uploadStoreConfig(env, '.data/uploads');
  } catch (e) {
    if (e instanceof UploadConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a configuration error');
}

describe('choosing the upload store from the environment', () => {
  it('keeps the local folder when no UPLOAD_S3_* variable is set (blank counts as unset)', () => {
    expect(uploadStoreConfig({}, '/srv/uploads')).toEqual({ kind: 'local', dir: '/srv/uploads' });
    expect(uploadStoreConfig({ UPLOAD_S3_BUCKET: '  ', UPLOAD_S3_ENDPOINT: '' }, 'x')).toEqual({
      kind: 'local',
      dir: 'x',
    });
  });

  it('uses S3 with path-style addressing for a self-hosted endpoint', () => {
    const c = uploadStoreConfig(
      {
        UPLOAD_S3_ENDPOINT: 'http://127.0.0.1:9000',
        UPLOAD_S3_BUCKET: 'campaign-files',
        UPLOAD_S3_ACCESS_KEY_ID: 'AK',
        UPLOAD_S3_SECRET_ACCESS_KEY: 'SK',
      },
      'unused',
    );
    expect(c).toEqual({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'campaign-files',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
      forcePathStyle: true,
    });
    expect(describeUploadStore(c)).toBe(
      '对象存储 http://127.0.0.1:9000（存储桶 campaign-files，区域 us-east-1）',
    );
    expect(describeUploadStore(c)).not.toContain('SK');
  });

  it('uses virtual-host addressing on AWS itself unless told otherwise', () => {
    expect(
      uploadStoreConfig({ UPLOAD_S3_BUCKET: 'files.example', UPLOAD_S3_REGION: 'cn-north-1' }, 'x'),
    ).toEqual({ kind: 's3', bucket: 'files.example', region: 'cn-north-1', forcePathStyle: false });
    expect(
      uploadStoreConfig({ UPLOAD_S3_BUCKET: 'files', UPLOAD_S3_FORCE_PATH_STYLE: 'TRUE' }, 'x'),
    ).toMatchObject({ forcePathStyle: true });
    expect(
      uploadStoreConfig(
        {
          UPLOAD_S3_BUCKET: 'files',
          UPLOAD_S3_ENDPOINT: 'https://oss.example.cn',
          UPLOAD_S3_FORCE_PATH_STYLE: '0',
        },
        'x',
      ),
    ).toMatchObject({ forcePathStyle: false });
  });

  it('reports every bad variable at once, by name, in Chinese', () => {
    const problems = configError({
      UPLOAD_S3_ENDPOINT: 'minio:9000',
      UPLOAD_S3_REGION: 'US East',
      UPLOAD_S3_ACCESS_KEY_ID: 'AK',
      UPLOAD_S3_FORCE_PATH_STYLE: 'maybe',
    });
    expect(problems).toEqual([
      'UPLOAD_S3_ENDPOINT：应为 http:// 或 https:// 开头的地址（如 http://127.0.0.1:9000），现为「minio:9000」',
      'UPLOAD_S3_BUCKET：使用对象存储时必须填写存储桶名',
      'UPLOAD_S3_REGION：区域只能含小写字母、数字和连字符（如 us-east-1、cn-north-1），现为「US East」',
      'UPLOAD_S3_SECRET_ACCESS_KEY：已填写 UPLOAD_S3_ACCESS_KEY_ID，还须填写对应的密钥',
      'UPLOAD_S3_FORCE_PATH_STYLE：只能是 true 或 false，现为「maybe」',
    ]);
  });

  it('refuses a bucket name S3 would refuse, an endpoint with a path, and a lone secret', () => {
    expect(configError({ UPLOAD_S3_BUCKET: 'Campaign_Files' })).toEqual([
      expect.stringMatching(/^UPLOAD_S3_BUCKET：存储桶名只能是.*「Campaign_Files」/),
    ]);
    expect(configError({ UPLOAD_S3_BUCKET: 'ab' })).toEqual([expect.stringMatching(/^UPLOAD_S3_BUCKET：/)]);
    expect(
      configError({ UPLOAD_S3_BUCKET: 'files', UPLOAD_S3_ENDPOINT: 'http://127.0.0.1:9000/files' }),
    ).toEqual([expect.stringMatching(/^UPLOAD_S3_ENDPOINT：只写服务地址/)]);
    expect(configError({ UPLOAD_S3_BUCKET: 'files', UPLOAD_S3_SECRET_ACCESS_KEY: 'SK' })).toEqual([
      'UPLOAD_S3_ACCESS_KEY_ID：已填写 UPLOAD_S3_SECRET_ACCESS_KEY，还须填写对应的访问密钥 ID',
    ]);
    const e = new UploadConfigError(['A：x', 'B：y']);
    expect(e.message).toBe('上传文件存储配置有误：\n  - A：x\n  - B：y');
  });

  it('keys objects sha256/<hex> and rejects anything that is not a reference', () => {
    expect(objectKeyOf(`sha256:${'ab'.repeat(32)}`)).toBe(`sha256/${'ab'.repeat(32)}`);
    expect(() => objectKeyOf('sha256:../x')).toThrow('不是文件引用：sha256:../x');
  });
});
