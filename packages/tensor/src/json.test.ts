import { describe, expect, it } from 'vitest';
import { isForbiddenKey, parseJsonSafely } from './json.js';

describe('parseJsonSafely', () => {
  it('parses ordinary JSON and refuses prototype-reaching keys at any depth', () => {
    expect(parseJsonSafely('{"a":[1,{"b":2}]}')).toEqual({ a: [1, { b: 2 }] });
    expect(() => parseJsonSafely('{"x":{"__proto__":{"polluted":1}}}')).toThrow(/forbidden key "__proto__"/);
    expect(() => parseJsonSafely('{"constructor":{}}')).toThrow(/forbidden key "constructor"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(isForbiddenKey('prototype')).toBe(true);
    expect(isForbiddenKey('W1')).toBe(false);
  });
});
