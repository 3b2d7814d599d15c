/**
 * What every upload store must do, whatever holds the bytes: the same cases run against the local
 * folder (unit tests) and against S3 on a real MinIO (integration tests).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { UploadStore } from '../../../client/api/uploads.js';

export interface ContractSubject {
  store: UploadStore;
  /** Everything the store holds, with whatever changes when an object is (re)written. */
  snapshot(): Promise<string[]>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export function uploadStoreContract(name: string, subject: () => ContractSubject): void {
  describe(`upload store contract: ${name}`, () => {
    it('stores by content hash and returns sha256:<hex>', async () => {
      const { store } = subject();
      const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1024)]);
      const hex = createHash('sha256').update(bytes).digest('hex');
      expect(await store.put(bytes)).toEqual({ ref: `sha256:${hex}`, size: bytes.length, existed: false });
      expect(await store.has(`sha256:${hex}`)).toBe(true);
    });

    it('stores nothing new for the same bytes a second time', async () => {
      const s = subject();
      const { store } = s;
      const snapshot = () => s.snapshot();
      const bytes = Buffer.concat([Buffer.from('%PDF-1.4 twice '), randomBytes(64)]);
      const first = await store.put(bytes);
      const before = await snapshot();
      const second = await store.put(Buffer.from(bytes));
      expect(second).toEqual({ ...first, existed: true });
      expect(await snapshot()).toEqual(before);
      // Different bytes are a different file.
      const other = await store.put(Buffer.concat([bytes, Buffer.from('!')]));
      expect(other.ref).not.toBe(first.ref);
      expect(other.existed).toBe(false);
      expect((await snapshot()).length).toBe(before.length + 1);
    });

    it('reads a file back byte for byte, as a stream', async () => {
      const { store } = subject();
      // Several megabytes, so the body arrives in many chunks rather than one buffer.
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const { ref } = await store.put(bytes);
      const stream = await store.open(ref);
      expect(stream).toBeInstanceOf(Readable);
      const back = await readAll(stream!);
      expect(back.length).toBe(bytes.length);
      expect(back.equals(bytes)).toBe(true);
    });

    it('answers not found for an unknown or malformed reference', async () => {
      const { store } = subject();
      const unknown = `sha256:${createHash('sha256').update(randomBytes(16)).digest('hex')}`;
      expect(await store.has(unknown)).toBe(false);
      expect(await store.open(unknown)).toBeUndefined();
      for (const bad of [
        '../../etc/passwd',
        'sha256:XYZ',
        `sha1:${'a'.repeat(40)}`,
        `sha256:${'A'.repeat(64)}`,
      ]) {
        expect(await store.has(bad)).toBe(false);
        expect(await store.open(bad)).toBeUndefined();
      }
    });
  });
}
