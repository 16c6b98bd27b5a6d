import { describe, expect, it } from 'vitest';
import { validateEmail } from '../../../flows/validators/email.ts';

describe('validateEmail', () => {
  it.each([
    ['taro@example.jp', 'taro@example.jp'],
    ['  taro@example.jp\n', 'taro@example.jp'],
    ['Taro.Yamada@Example.CO.JP', 'Taro.Yamada@example.co.jp'],
    ['ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ', 'taro@example.jp'],
    ['taro@example。jp', 'taro@example.jp'],
    ['taro+ouen@mail.example.com', 'taro+ouen@mail.example.com'],
    ['taro..abc.@docomo.ne.jp', 'taro..abc.@docomo.ne.jp'],
    ['mailto:taro@example.jp', 'taro@example.jp'],
    ['taro@xn--eckwd4c7c.xn--zckzah', 'taro@xn--eckwd4c7c.xn--zckzah'],
    ['taro\u200B@example.jp', 'taro@example.jp'],
  ])('accepts %j as %s', (text, value) => {
    expect(validateEmail(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['taro.example.jp', 'email.missingAt'],
    ['たろう', 'email.missingAt'],
    ['taro@example', 'email.invalidDomain'],
    ['taro@example.j', 'email.invalidDomain'],
    ['taro@-example.jp', 'email.invalidDomain'],
    ['taro@example..jp', 'email.invalidDomain'],
    ['taro@example.jp.', 'email.invalidDomain'],
    ['taro@例え.jp', 'email.invalidDomain'],
    ['taro@exa_mple.jp', 'email.invalidDomain'],
    ['taro@example.123', 'email.invalidDomain'],
    [`${'a'.repeat(65)}@example.jp`, 'email.tooLong'],
    [`taro@${'a'.repeat(250)}.jp`, 'email.tooLong'],
    ['', 'email.invalid'],
    ['   ', 'email.invalid'],
    ['@example.jp', 'email.invalid'],
    ['taro yamada@example.jp', 'email.invalid'],
    ['たろう@example.jp', 'email.invalid'],
    ['taro@foo@example.jp', 'email.invalid'],
    ['"taro"@example.jp', 'email.invalid'],
  ])('rejects %j with %s', (text, reason) => {
    expect(validateEmail(text)).toEqual({ ok: false, reason });
  });
});
