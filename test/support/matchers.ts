// vitest's asymmetric matchers, typed `unknown` instead of `any`: vitest types them `any` so that
// they fit anywhere, but an expected value takes `unknown` just as well, and no `any` leaks into a
// test's objects (typescript-eslint's no-unsafe-assignment).
import { expect } from 'vitest';

/** Any instance of `type` (expect.any). */
export const anyOf = (type: unknown): unknown => expect.any(type);

/** A string matching `pattern` (expect.stringMatching). */
export const stringMatching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);

/** An object with at least these properties (expect.objectContaining). */
export const objectContaining = (properties: Record<string, unknown>): unknown => expect.objectContaining(properties);
