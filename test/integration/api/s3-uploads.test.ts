/**
 * The S3 upload store against a real S3-compatible server (MinIO on loopback, started here): the
 * same contract as the local folder, signature checking on, and one upload through the HTTP API
 * landing in the bucket under its content hash.
 */
import { openSqliteStatusStore } from '../../../activities/status/sqlite-status-store.js';
import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { openUploadStore, uploadStoreConfig } from '../../../client/api/uploads-config.js';
import { s3UploadStore } from '../../../client/api/uploads-s3.js';
import { loadOfficeFile } from '../../../app/people.js';
import { parseRosterFile } from '../../../domain/roster/parse-file.js';
import { startMinio, type LocalS3 } from '../../../toolchain/minio.js';
import { connectToDevServer } from '../../support/dev-server-connection.js';
import { uniqueName } from '../../support/unique.js';
import { uploadStoreContract } from '../../unit/api/uploads-contract.js';
import { FIXTURES, GROUPS, UNITS } from '../cli/harness.js';

let s3: LocalS3;
let admin: S3Client;
const BUCKET = 'campaign-files';
let store: ReturnType<typeof s3UploadStore>;
let puts = 0;

// On a first run MinIO is still being built in the background (`npm run toolchain` started it):
// startMinio waits for that build (up to 20 minutes), or builds it itself when nobody is.
beforeAll(async () => {
  s3 = await startMinio();
  admin = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  store = s3UploadStore({
    endpoint: s3.endpoint,
    bucket: BUCKET,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
  });
  // Counts every write the store sends, so "stores nothing new" means no PUT at all, not just the same key.
  store.client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'PutObjectCommand') puts++;
      return next(args);
    },
    { step: 'initialize', name: 'countPuts' },
  );
}, 1_320_000);
afterAll(async () => {
  store?.close();
  admin?.destroy();
  await s3?.stop();
});

async function listBucket(): Promise<{ key: string; etag: string; size: number }[]> {
  const r = await admin.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (r.Contents ?? [])
    .map((o) => ({ key: o.Key ?? '', etag: o.ETag ?? '', size: o.Size ?? 0 }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

uploadStoreContract('S3 (MinIO)', () => ({
  store,
  async snapshot() {
    return [...(await listBucket()).map((o) => `${o.key}@${o.etag}`), `puts=${puts}`];
  },
}));

describe('S3 store specifics', () => {
  it('keeps objects under sha256/<hex> holding exactly the uploaded bytes', async () => {
    const bytes = randomBytes(2048);
    const hex = createHash('sha256').update(bytes).digest('hex');
    const { ref } = await store.put(bytes);
    expect(ref).toBe(`sha256:${hex}`);
    const got = await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: `sha256/${hex}` }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes)).toBe(true);
  });

  it('is refused by the server with wrong credentials (signatures are checked)', async () => {
    const wrong = s3UploadStore({
      endpoint: s3.endpoint,
      bucket: BUCKET,
      region: s3.region,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'not-the-secret' },
      forcePathStyle: true,
    });
    try {
      await expect(wrong.put(Buffer.from('%PDF-1.4 forged'))).rejects.toThrow();
    } finally {
      wrong.close();
    }
  });

  it('is chosen from UPLOAD_S3_* and takes an upload through the HTTP API into the bucket', async () => {
    const conn = await connectToDevServer();
    let app: FastifyInstance | undefined;
    try {
      const config = uploadStoreConfig(
        {
          UPLOAD_S3_ENDPOINT: s3.endpoint,
          UPLOAD_S3_BUCKET: BUCKET,
          UPLOAD_S3_REGION: s3.region,
          UPLOAD_S3_ACCESS_KEY_ID: s3.accessKeyId,
          UPLOAD_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        },
        '/nonexistent/local/folder',
      );
      expect(config.kind).toBe('s3');
      const campaign = uniqueName('s3');
      const office = await loadOfficeFile(path.join(FIXTURES, 'office.yaml'));
      if (!office.ok) throw new Error(office.errors.join());
      const roster = await parseRosterFile(UNITS, { groupsPath: GROUPS, channels: ['email'] });
      const issued = issueTokens(campaign, roster.units, office.office);
      const liaison = issued.issued.find((t) => t.personId === 'T01-liaison')!.token;
      app = await createApiServer({
        temporalClient: conn.client,
        statusStore: openSqliteStatusStore(':memory:'),
        store: new FileTokenStore(issued.store),
        uploads: openUploadStore(config),
      });
      const address = await app.listen({ host: '127.0.0.1', port: 0 });

      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n学习计划\n'), randomBytes(4096)]);
      const hex = createHash('sha256').update(pdf).digest('hex');
      const form = new FormData();
      form.append('file', new Blob([pdf], { type: 'application/pdf' }), '学习计划.pdf');
      const r = await fetch(`${address}/api/campaigns/${campaign}/units/T01/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${liaison}` },
        body: form,
      });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({
        ref: `sha256:${hex}`,
        size: pdf.length,
        filename: '学习计划.pdf',
        existed: false,
      });

      const inBucket = (await listBucket()).find((o) => o.key === `sha256/${hex}`);
      expect(inBucket).toMatchObject({ size: pdf.length });
      const got = await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: `sha256/${hex}` }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(pdf)).toBe(true);

      // Sent again: the same reference, marked as already there.
      const again = new FormData();
      again.append('file', new Blob([pdf], { type: 'application/pdf' }), '学习计划（副本）.pdf');
      const r2 = await fetch(`${address}/api/campaigns/${campaign}/units/T01/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${liaison}` },
        body: again,
      });
      expect(await r2.json()).toMatchObject({ ref: `sha256:${hex}`, existed: true });
    } finally {
      await app?.close();
      await conn.close();
    }
  });
});
