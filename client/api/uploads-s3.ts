/**
 * Deliverable files in S3-compatible object storage (MinIO, Ceph, a cloud's OSS/COS with its S3
 * endpoint, AWS S3). Same contract as the local folder: the object key is `sha256/<hex>` of the
 * bytes, so storing a file twice stores nothing new and the reference says nothing about who sent it.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { FILE_REF, contentRef, type StoredFile, type UploadStore } from './uploads.js';

export interface S3UploadSettings {
  /** e.g. http://127.0.0.1:9000; absent for AWS itself. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Both or neither; neither uses the SDK's own credential chain (instance role, ~/.aws). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** `https://host/bucket/key` instead of `https://bucket.host/key`; most self-hosted servers need it. */
  forcePathStyle: boolean;
}

export function objectKeyOf(ref: string): string {
  const m = FILE_REF.exec(ref);
  if (!m?.[1]) throw new Error(`不是文件引用：${ref}`);
  return `sha256/${m[1]}`;
}

function isNotFound(e: unknown): boolean {
  if (!(e instanceof S3ServiceException)) return false;
  return e.$metadata.httpStatusCode === 404 || e.name === 'NotFound' || e.name === 'NoSuchKey';
}

export function s3UploadStore(
  s: S3UploadSettings,
): UploadStore & { client: S3Client; keyOf(ref: string): string; close(): void } {
  const client = new S3Client({
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.credentials ? { credentials: s.credentials } : {}),
    forcePathStyle: s.forcePathStyle,
    // The SDK's default extra CRC checksums are not understood by every S3-compatible server;
    // content integrity is ours anyway (the key is the SHA-256 of the bytes).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  /** Size of the stored object, or undefined when there is none. */
  const sizeOf = async (key: string): Promise<number | undefined> => {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: s.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };

  return {
    client,
    keyOf: objectKeyOf,
    close: () => client.destroy(),
    async put(bytes): Promise<StoredFile> {
      const ref = contentRef(bytes);
      const key = objectKeyOf(ref);
      // A stored object of another size is a damaged copy, not this file: write it again.
      if ((await sizeOf(key)) === bytes.length) return { ref, size: bytes.length, existed: true };
      // Two concurrent first uploads of one file both write the same bytes under the same key: harmless.
      await client.send(
        new PutObjectCommand({
          Bucket: s.bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: 'application/octet-stream',
        }),
      );
      return { ref, size: bytes.length, existed: false };
    },
    async has(ref) {
      if (!FILE_REF.test(ref)) return false;
      return (await sizeOf(objectKeyOf(ref))) !== undefined;
    },
    async open(ref) {
      if (!FILE_REF.test(ref)) return undefined;
      try {
        const got = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: objectKeyOf(ref) }));
        // In Node the body is the HTTP response stream itself: bytes flow as they arrive.
        if (!(got.Body instanceof Readable)) throw new Error(`对象存储返回的文件内容不是数据流：${ref}`);
        return got.Body;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
  };
}
