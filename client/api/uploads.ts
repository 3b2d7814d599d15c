/**
 * Deliverable files, stored by content: the SHA-256 of the bytes is the file's name and its only
 * reference (`sha256:<hex>`), which is all a workflow ever sees. Storing the same file twice is a
 * no-op. Types are checked by extension and by the file's leading bytes, not the client's word.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { StoredFile } from './wire/uploads.js';

export type { StoredFile };

export interface UploadStore {
  put(bytes: Buffer): Promise<StoredFile>;
  has(ref: string): Promise<boolean>;
  /** The file's bytes as a stream (never buffered whole), or undefined when no such file is stored. */
  open(ref: string): Promise<Readable | undefined>;
}

export const FILE_REF = /^sha256:([0-9a-f]{64})$/;

/** `sha256:<hex>` for these bytes: the name a file is stored under, whichever store holds it. */
export function contentRef(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Local folder (`.data/uploads` by default), fanned out by the first two hex digits. */
export function localUploadStore(root: string): UploadStore & { pathOf(ref: string): string } {
  const pathOf = (ref: string) => {
    const m = FILE_REF.exec(ref);
    if (!m?.[1]) throw new Error(`不是文件引用：${ref}`);
    return path.join(root, m[1].slice(0, 2), m[1]);
  };
  return {
    pathOf,
    async put(bytes) {
      const ref = contentRef(bytes);
      const final = pathOf(ref);
      if (
        await stat(final).then(
          () => true,
          () => false,
        )
      )
        return { ref, size: bytes.length, existed: true };
      await mkdir(path.dirname(final), { recursive: true });
      // Written aside and renamed, so a reader never sees half a file under its final name.
      const tmp = `${final}.${randomUUID()}.part`;
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, final);
      } finally {
        await rm(tmp, { force: true });
      }
      return { ref, size: bytes.length, existed: false };
    },
    async has(ref) {
      if (!FILE_REF.test(ref)) return false;
      return stat(pathOf(ref)).then(
        () => true,
        () => false,
      );
    },
    async open(ref) {
      if (!FILE_REF.test(ref)) return undefined;
      const file = pathOf(ref);
      if (
        !(await stat(file).then(
          (s) => s.isFile(),
          () => false,
        ))
      )
        return undefined;
      return createReadStream(file);
    },
  };
}

/** Allowed deliverable types: extension → the leading bytes its files start with. */
const SIGNATURES: Record<string, readonly number[][]> = {
  pdf: [[0x25, 0x50, 0x44, 0x46]],
  docx: [[0x50, 0x4b, 0x03, 0x04]],
  xlsx: [[0x50, 0x4b, 0x03, 0x04]],
  pptx: [[0x50, 0x4b, 0x03, 0x04]],
  doc: [[0xd0, 0xcf, 0x11, 0xe0]],
  xls: [[0xd0, 0xcf, 0x11, 0xe0]],
  ppt: [[0xd0, 0xcf, 0x11, 0xe0]],
  jpg: [[0xff, 0xd8, 0xff]],
  jpeg: [[0xff, 0xd8, 0xff]],
  png: [[0x89, 0x50, 0x4e, 0x47]],
};
const ALLOWED_EXTENSIONS = Object.keys(SIGNATURES);

/** undefined when acceptable; otherwise a Chinese reason. */
export function checkFileType(filename: string, head: Buffer): string | undefined {
  const ext = path.extname(filename).slice(1).toLowerCase();
  const sigs = SIGNATURES[ext];
  if (!sigs) return `文件「${filename}」的类型不允许上传（允许：${ALLOWED_EXTENSIONS.join('、')}）`;
  if (!sigs.some((sig) => sig.every((b, i) => head[i] === b)))
    return `文件「${filename}」的内容与扩展名 .${ext} 不符`;
  return undefined;
}
