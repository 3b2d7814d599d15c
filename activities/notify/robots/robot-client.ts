import { createHash, createHmac } from 'node:crypto';
import type { Fetch } from '../sms/sms-sender.js';

export type RobotKind = 'dingtalk' | 'wecom';

export interface RobotTarget {
  kind: RobotKind;
  /** The webhook as the roster holds it (DingTalk …/robot/send?access_token=…, WeCom …/webhook/send?key=…). */
  webhook: string;
}

export interface RobotMessage {
  title: string;
  markdown: string;
}

/** A rejection that resending cannot fix (bad token, keyword or IP mismatch, malformed message). */
export class RobotRejectedError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'RobotRejectedError';
  }
}

/** The robot said "too fast": transient, and the limiter must stop sending for a whole window. */
export class RobotThrottledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RobotThrottledError';
  }
}

/** A stable id for a robot that does not reveal its token (used for log keys and limiter buckets). */
export function robotId(target: RobotTarget): string {
  return `${target.kind}:${createHash('sha256').update(target.webhook).digest('hex').slice(0, 16)}`;
}

/** DingTalk 加签: sign = urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret))). */
function dingtalkSign(secret: string, timestampMs: number): string {
  return encodeURIComponent(
    createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64'),
  );
}

export interface RobotClientOptions {
  /** access_token → 加签 secret, for DingTalk robots that have it enabled. */
  dingtalkSecrets: Record<string, string>;
  fetch?: Fetch;
  now?: () => Date;
}

export interface RobotClient {
  send(target: RobotTarget, message: RobotMessage): Promise<void>;
}

// DingTalk: 130101 = more than 20 messages a minute; 300001/310000 = token, keyword, sign or IP rule.
const DINGTALK_THROTTLED = new Set([130101]);
// WeCom: 45009 = API frequency limit; 45033 = concurrency limit.
const WECOM_THROTTLED = new Set([45009, 45033]);

export function createRobotClient(o: RobotClientOptions): RobotClient {
  const doFetch = o.fetch ?? fetch;
  const now = o.now ?? (() => new Date());
  return {
    async send(target, message) {
      const url = new URL(target.webhook);
      let body: unknown;
      if (target.kind === 'dingtalk') {
        const secret = o.dingtalkSecrets[url.searchParams.get('access_token') ?? ''];
        if (secret) {
          const timestamp = now().getTime();
          url.searchParams.set('timestamp', String(timestamp));
          // Already percent-encoded as DingTalk documents; appended by hand so it is not encoded twice.
          url.search = `${url.search}&sign=${dingtalkSign(secret, timestamp)}`;
        }
        body = { msgtype: 'markdown', markdown: { title: message.title, text: message.markdown } };
      } else {
        body = { msgtype: 'markdown', markdown: { content: message.markdown } };
      }
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.status >= 500 || res.status === 429) throw new Error(`${target.kind} robot HTTP ${res.status}`);
      let json: { errcode?: number; errmsg?: string };
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        throw new Error(`${target.kind} robot HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
      }
      if (json.errcode === 0) return;
      const code = json.errcode ?? res.status;
      const throttled = target.kind === 'dingtalk' ? DINGTALK_THROTTLED : WECOM_THROTTLED;
      if (throttled.has(code))
        throw new RobotThrottledError(`${target.kind} robot throttled (${code}): ${json.errmsg ?? ''}`);
      const label = target.kind === 'dingtalk' ? '钉钉' : '企业微信';
      throw new RobotRejectedError(
        `${target.kind}_${code}`,
        `${label}机器人拒收（${code}）：${json.errmsg ?? ''}`,
      );
    },
  };
}
