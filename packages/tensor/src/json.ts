/** Keys that could reach an object's prototype when untrusted data is merged or spread. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `key` must never be accepted from untrusted input (`__proto__`, `constructor`, `prototype`). */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/**
 * `JSON.parse` for untrusted files: refuses any object key that could reach a prototype
 * (throws a plain `Error` naming it, as JSON.parse throws a `SyntaxError`; callers add the file name).
 */
export function parseJsonSafely(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (FORBIDDEN_KEYS.has(key)) throw new Error(`forbidden key "${key}"`);
    return value;
  });
}
