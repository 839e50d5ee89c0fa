// The app that writes an export, as `name version` (the Parquet footer's created_by, the JSON header).
import { readFileSync } from 'node:fs';

let cached: string | null = null;

export function appVersionOf(): string {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
    cached = `${typeof pkg.name === 'string' ? pkg.name : 'osa-bench'} ${typeof pkg.version === 'string' ? pkg.version : '0.0.0'}`;
  } catch {
    cached = 'osa-bench';
  }
  return cached;
}
