import { z } from 'zod';

/**
 * Normalisers for the contact data an office types into Excel. Each returns the canonical value or
 * undefined when the text is not acceptable; callers produce the Chinese message.
 */

const emailSchema = z.email();

/**
 * Chinese input methods happily produce full-width ＠, ．and digits; NFKC folds them to ASCII so a
 * liaison's address is not rejected for something invisible to the person who typed it.
 */
function fold(text: string): string {
  return text.normalize('NFKC').trim();
}

export function normaliseEmail(text: string): string | undefined {
  let t = fold(text);
  // Excel turns typed addresses into mailto: links; the link target sometimes leaks into the text.
  if (/^mailto:/i.test(t)) t = t.slice('mailto:'.length).split('?')[0] ?? '';
  t = t.toLowerCase();
  return emailSchema.safeParse(t).success ? t : undefined;
}

/**
 * Mainland mobile numbers: 11 digits starting 13–19. Accepts +86 / 86 / 0086 prefixes and the
 * separators people use when reading numbers aloud (spaces, dashes, dots, parentheses).
 */
export function normaliseMobile(text: string): string | undefined {
  let digits = fold(text).replace(/[\s\-.()（）]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  if (!/^\d+$/.test(digits)) return undefined;
  if (digits.length === 15 && digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : undefined;
}

/**
 * Robot webhooks are plain http(s) URLs; the public DingTalk / WeCom hosts are not enforced so a
 * demo can point them at a loopback receiver.
 */
export function normaliseWebhook(text: string): string | undefined {
  const t = fold(text);
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? t : undefined;
}
