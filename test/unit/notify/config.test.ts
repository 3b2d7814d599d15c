import { describe, expect, it } from 'vitest';
import {
  loadNotifyConfig,
  NotifyConfigError,
  redactNotifyConfig,
  redactUrl,
} from '../../../activities/notify/config.js';
import {
  configuredCalendar,
  configuredPolicy,
  quietUntilFor,
} from '../../../activities/notify/quiet-hours.js';

describe('notification configuration', () => {
  it('reports every problem at once, naming the variable', () => {
    try {
      loadNotifyConfig({
        SMS_PROVIDER: 'aliyun',
        SMTP_PORT: 'abc',
        NOTIFY_OFFICE_HOURS_START: '8:30',
        SMTP_USER: 'u',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NotifyConfigError);
      const text = (e as NotifyConfigError).issues.join('\n');
      for (const key of [
        'SMTP_PORT',
        'NOTIFY_OFFICE_HOURS_START',
        'ALIYUN_SMS_ACCESS_KEY_ID',
        'ALIYUN_SMS_ACCESS_KEY_SECRET',
        'ALIYUN_SMS_SIGN_NAME',
        'SMTP_PASS',
      ])
        expect(text).toContain(key);
    }
  });

  it('never shows secrets in what it logs', () => {
    const config = loadNotifyConfig({
      SMTP_HOST: 'smtp.example.cn',
      SMTP_USER: 'office',
      SMTP_PASS: 'smtp-pass-123',
      SMS_PROVIDER: 'tencent',
      TENCENT_SMS_SECRET_ID: 'AKIDxyz',
      TENCENT_SMS_SECRET_KEY: 'tc-secret-456',
      TENCENT_SMS_SDK_APP_ID: '1400000001',
      TENCENT_SMS_SIGN_NAME: '区活动办',
      ALIYUN_SMS_ACCESS_KEY_SECRET: 'ali-secret-789',
      SMS_HTTP_TOKEN: 'gw-token-000',
      DINGTALK_ROBOT_SECRETS: '{"tok":"SECdingtalk111"}',
      DATABASE_URL: 'postgres://notify:db-pass-222@db.local:5432/campaign',
    });
    expect(config.DINGTALK_ROBOT_SECRETS).toEqual({ tok: 'SECdingtalk111' });
    const logged = JSON.stringify(redactNotifyConfig(config));
    for (const secret of [
      'smtp-pass-123',
      'tc-secret-456',
      'ali-secret-789',
      'gw-token-000',
      'SECdingtalk111',
      'db-pass-222',
    ])
      expect(logged).not.toContain(secret);
    expect(logged).toContain('postgres://notify:***@db.local:5432/campaign');
    expect(logged).toContain('smtp.example.cn');
    expect(
      redactUrl('POST https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1&sign=xyz failed'),
    ).toBe('POST https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1&sign=*** failed');
  });

  it('defaults: office hours 08:30–18:00 in Asia/Shanghai, quiet SMS and robots', () => {
    const c = loadNotifyConfig({});
    expect([c.NOTIFY_OFFICE_HOURS_START, c.NOTIFY_OFFICE_HOURS_END, c.NOTIFY_TIMEZONE]).toEqual([
      '08:30',
      '18:00',
      'Asia/Shanghai',
    ]);
    expect(c.NOTIFY_QUIET_CHANNELS).toEqual(['sms', 'dingtalk', 'wecom']);
    expect(c.ROBOT_RATE_LIMIT).toBe(20);
  });
});

describe('next office opening with the State Council holiday calendar (the configured default)', () => {
  const policy = configuredPolicy(
    configuredCalendar({ start: '08:30', end: '18:00', zone: 'Asia/Shanghai' }),
    ['sms'],
  );
  const at = (iso: string) => quietUntilFor(policy, 'sms', new Date(iso))?.toISOString();
  it('skips the National Day holiday to the first working morning after it', () => {
    expect(at('2025-09-30T14:00:00Z')).toBe('2025-10-09T00:30:00.000Z'); // Tue 22:00 → Thu 9 Oct 08:30
  });
  it('honours a 调休 Sunday that is a working day', () => {
    expect(at('2025-09-26T14:00:00Z')).toBe('2025-09-28T00:30:00.000Z'); // Fri 22:00 → Sun 28 Sep 08:30
  });
  it('lets messages through inside office hours, and holds early-morning ones until opening', () => {
    expect(at('2025-09-26T02:00:00Z')).toBeUndefined(); // Fri 10:00
    expect(at('2025-09-25T23:00:00Z')).toBe('2025-09-26T00:30:00.000Z'); // Fri 07:00 → 08:30 same day
    expect(at('2025-09-26T10:00:00Z')).toBe('2025-09-28T00:30:00.000Z'); // Fri 18:00 sharp is closed
  });
  it('channels not configured as quiet go out at any hour', () => {
    expect(quietUntilFor(policy, 'email', new Date('2025-09-30T14:00:00Z'))).toBeUndefined();
  });
});
