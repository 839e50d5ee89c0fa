// Settings kept across visits in localStorage, under one prefix; a storage that is not there or
// full (a private window) only means nothing is kept.
const PREFIX = 'osa-bench.';

export function loadJson<T>(key: string, fallback: T): T {
  try {
    const text = globalThis.localStorage?.getItem(PREFIX + key);
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

export function saveJson(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // not kept
  }
}
