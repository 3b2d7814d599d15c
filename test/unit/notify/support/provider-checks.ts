/**
 * The providers' signature checks, written from their documentation rather than from the code
 * under test, so a stand-in rejects exactly what the real service would.
 */
import { createHash, createHmac } from 'node:crypto';
import type { ReceivedRequest } from './http-receiver.js';

/** Aliyun's documented RPC signature, re-derived here: RFC 3986 encoding, sorted, HMAC-SHA1 with secret + "&". */
export function aliyunCheck(req: ReceivedRequest, secret: string): Record<string, string> | undefined {
  const params = Object.fromEntries(new URLSearchParams(req.body));
  const { Signature, ...rest } = params;
  const enc = (s: string) =>
    encodeURIComponent(s)
      .replace(/\+/g, '%20')
      .replace(/\*/g, '%2A')
      .replace(/!/g, '%21')
      .replace(/'/g, '%27')
      .replace(/\(/g, '%28')
      .replace(/\)/g, '%29');
  const canonical = Object.keys(rest)
    .sort()
    .map((k) => `${enc(k)}=${enc(rest[k] ?? '')}`)
    .join('&');
  const expected = createHmac('sha1', `${secret}&`)
    .update(`POST&%2F&${enc(canonical)}`)
    .digest('base64');
  return Signature === expected ? rest : undefined;
}

/** Tencent Cloud API 3.0 TC3-HMAC-SHA256, re-derived from the received request. */
export function tencentCheck(req: ReceivedRequest, secretId: string, secretKey: string): boolean {
  const h = req.headers;
  const auth = String(h.authorization);
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/sms\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m || m[1] !== secretId) return false;
  const signed = (m[3] ?? '').split(';');
  const canonicalHeaders = signed
    .map((name) => `${name}:${name === 'content-type' ? String(h[name]) : String(h[name]).toLowerCase()}\n`)
    .join('');
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonicalRequest = `POST\n/\n\n${canonicalHeaders}\n${m[3]}\n${sha(req.body)}`;
  const timestamp = String(h['x-tc-timestamp']);
  if (new Date(Number(timestamp) * 1000).toISOString().slice(0, 10) !== m[2]) return false;
  const sts = `TC3-HMAC-SHA256\n${timestamp}\n${m[2]}/sms/tc3_request\n${sha(canonicalRequest)}`;
  const k = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();
  const signing = k(k(k(`TC3${secretKey}`, m[2] ?? ''), 'sms'), 'tc3_request');
  return createHmac('sha256', signing).update(sts).digest('hex') === m[4];
}
