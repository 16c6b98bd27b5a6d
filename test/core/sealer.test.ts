import { mkdtempSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadMasterKey } from '../../core/crypto/load-key.ts';
import { SealBrokenError, Sealer } from '../../core/crypto/sealer.ts';

const sealer = new Sealer(randomBytes(32));

describe('Sealer', () => {
  it('opens what it sealed, and never stores the clear text', () => {
    const sealed = sealer.seal('千葉 太郎 taro@example.jp', 'application:1:answers');
    expect(sealed).not.toContain('taro');
    expect(sealer.open(sealed, 'application:1:answers')).toBe('千葉 太郎 taro@example.jp');
  });

  it('gives a different ciphertext each time for the same value', () => {
    expect(sealer.seal('same', 'c')).not.toBe(sealer.seal('same', 'c'));
  });

  it('detects a value moved to another row', () => {
    const sealed = sealer.seal('secret', 'application:1:answers');
    expect(() => sealer.open(sealed, 'application:2:answers')).toThrow(SealBrokenError);
  });

  it('detects a flipped bit', () => {
    const sealed = sealer.sealBytes(Buffer.from('secret'), 'c');
    sealed[14] = sealed[14]! ^ 1;
    expect(() => sealer.openBytes(sealed, 'c')).toThrow(SealBrokenError);
  });

  it('does not open with another key', () => {
    const other = new Sealer(randomBytes(32));
    expect(() => other.open(sealer.seal('secret', 'c'), 'c')).toThrow(SealBrokenError);
  });

  it('makes blind indexes that match equal values only, per kind', () => {
    expect(sealer.blindIndex('email', 'a@b.jp')).toBe(sealer.blindIndex('email', 'a@b.jp'));
    expect(sealer.blindIndex('email', 'a@b.jp')).not.toBe(sealer.blindIndex('email', 'c@b.jp'));
    expect(sealer.blindIndex('email', 'a@b.jp')).not.toBe(sealer.blindIndex('phone', 'a@b.jp'));
  });
});

describe('loadMasterKey', () => {
  it('generates a local key file readable by its owner only, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouen-key-'));
    const keyFile = join(dir, 'data', 'ouen.key');
    const first = loadMasterKey({ keyFile });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(loadMasterKey({ keyFile })).toEqual(first);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(first.toString('base64'));
  });

  it('takes the key from the environment and refuses a short one', () => {
    const key = randomBytes(32);
    expect(loadMasterKey({ envKey: key.toString('base64'), keyFile: '/nonexistent' })).toEqual(key);
    expect(() => loadMasterKey({ envKey: 'c2hvcnQ=', keyFile: '/nonexistent' })).toThrow(/32 random bytes/);
  });
});
