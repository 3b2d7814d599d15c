/**
 * Office files (xlsx, docx) are zips whose writers stamp every entry with the time of writing, so
 * the same workbook written twice differs. Re-zipping the entries in their order with one fixed
 * time makes the bytes depend on the content only: what the archive's idempotency needs.
 */
import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import yazl from 'yazl';

function entries(buf: Buffer): Promise<{ name: string; data: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('无法读取压缩内容'));
      const out: { name: string; data: Buffer }[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('无法读取压缩内容'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Office documents also carry their writing time in docProps/core.xml: set it to `mtime` too. */
function fixedCoreProperties(xml: string, mtime: Date): string {
  const at = mtime.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return xml.replace(/(<dcterms:(created|modified)[^>]*>)[^<]*(<\/dcterms:\2>)/g, `$1${at}$3`);
}

/** The same zip with every entry dated `mtime` (and no other varying metadata). */
export async function withFixedTimes(
  zip: Buffer,
  mtime: Date,
  rewrite: (name: string, data: Buffer) => Buffer = (_n, d) => d,
): Promise<Buffer> {
  const out = new yazl.ZipFile();
  for (const e of await entries(zip)) {
    const data = rewrite(
      e.name,
      e.name === 'docProps/core.xml'
        ? Buffer.from(fixedCoreProperties(e.data.toString('utf8'), mtime))
        : e.data,
    );
    out.addBuffer(data, e.name, { mtime, mode: 0o100644, forceDosTimestamp: true });
  }
  out.end();
  const pass = new PassThrough();
  out.outputStream.pipe(pass);
  return collect(pass);
}
