import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseEmail, normaliseMobile, normaliseWebhook } from '../../../domain/roster/contact-formats.js';

describe('normaliseMobile', () => {
  it.each([
    ['13800001234', '13800001234'],
    ['+86 138 0000 1234', '13800001234'],
    ['86-138-0000-1234', '13800001234'],
    ['0086 13800001234', '13800001234'],
    ['(138)0000-1234', '13800001234'],
    ['１３８００００１２３４', '13800001234'],
    ['19912345678', '19912345678'],
  ])('accepts %s', (input, expected) => {
    expect(normaliseMobile(input)).toBe(expected);
  });

  it.each([
    '1381234567',
    '138000012345',
    '12800001234',
    '23800001234',
    '010-12345678',
    '138O0001234',
    '+1 13800001234',
    '',
  ])('rejects %s', (input) => {
    expect(normaliseMobile(input)).toBeUndefined();
  });

  it('recovers the 11 digits from any mix of prefixes and separators', () => {
    const mobile = fc
      .tuple(
        fc.integer({ min: 3, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }),
      )
      .map(([second, rest]) => `1${second}${rest.join('')}`);
    const sep = fc.constantFrom('', ' ', '-', '.');
    fc.assert(
      fc.property(mobile, fc.constantFrom('', '+86', '86', '0086', '+86 '), sep, (m, prefix, s) => {
        const written = prefix + [m.slice(0, 3), m.slice(3, 7), m.slice(7)].join(s);
        expect(normaliseMobile(written)).toBe(m);
      }),
    );
  });
});

describe('normaliseEmail', () => {
  it('lower-cases, trims, folds full-width characters and strips mailto:', () => {
    expect(normaliseEmail('  Liaison-U01@Units.Example.CN ')).toBe('liaison-u01@units.example.cn');
    expect(normaliseEmail('liaison＠units．example．cn')).toBe('liaison@units.example.cn');
    expect(normaliseEmail('mailto:a@b.cn?subject=x')).toBe('a@b.cn');
  });

  it.each(['a@b', 'a b@c.cn', 'a@@b.cn', '张三@qq.com', 'x@b..cn', 'a.@b.cn', '@b.cn'])(
    'rejects %s',
    (input) => {
      expect(normaliseEmail(input)).toBeUndefined();
    },
  );
});

describe('normaliseWebhook', () => {
  it('accepts http(s) URLs, including loopback ones for the demo', () => {
    expect(normaliseWebhook('https://oapi.dingtalk.com/robot/send?access_token=x')).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=x',
    );
    expect(normaliseWebhook('http://127.0.0.1:8099/wecom')).toBe('http://127.0.0.1:8099/wecom');
  });
  it.each(['oapi.dingtalk.com/robot', 'ftp://x.cn/a', 'javascript:alert(1)'])('rejects %s', (input) => {
    expect(normaliseWebhook(input)).toBeUndefined();
  });
});
