// The four operating modes of the macro (spec section 3) and how each fixes the boundary.
import type { DieProfile, SaliencyLevel } from './profile';

export const MODES = ['dcim', 'acim', 'hcim', 'osa'] as const;
export type Mode = (typeof MODES)[number];

export interface ModeConfig {
  readonly mode: Mode;
  /** hcim only: the fixed digital/analog boundary b */
  readonly boundary?: number | undefined;
  /** hcim only: the fixed skip line t (default 0) */
  readonly skip?: number | undefined;
}

/** A mode resolved against a profile: either one fixed (b, t) for every MAC, or per-MAC levels (osa). */
export type ResolvedMode = { readonly mode: 'dcim' | 'acim' | 'hcim'; readonly fixed: SaliencyLevel } | { readonly mode: 'osa'; readonly fixed: null };

export class ModeConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ModeConfigError';
  }
}

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

export function resolveMode(profile: DieProfile, config: ModeConfig): ResolvedMode {
  const top = profile.inputBits + profile.weightBits - 1;
  const onlyHcim = (field: 'boundary' | 'skip') => {
    if (config[field] !== undefined) {
      throw new ModeConfigError(field, `only applies to mode hcim, not ${config.mode}`);
    }
  };
  switch (config.mode) {
    case 'dcim':
      onlyHcim('boundary');
      onlyHcim('skip');
      return { mode: 'dcim', fixed: { boundary: 0, skip: 0 } };
    case 'acim':
      onlyHcim('boundary');
      onlyHcim('skip');
      return { mode: 'acim', fixed: { boundary: top, skip: 0 } };
    case 'osa':
      onlyHcim('boundary');
      onlyHcim('skip');
      return { mode: 'osa', fixed: null };
    case 'hcim': {
      const { boundary, skip = 0 } = config;
      if (boundary === undefined) throw new ModeConfigError('boundary', 'required for mode hcim');
      if (!Number.isInteger(boundary) || boundary < 0 || boundary > top) {
        throw new ModeConfigError('boundary', `must be an integer in 0..${top}, got ${boundary}`);
      }
      if (!Number.isInteger(skip) || skip < 0 || skip > boundary) {
        throw new ModeConfigError('skip', `must be an integer in 0..boundary (${boundary}), got ${skip}`);
      }
      return { mode: 'hcim', fixed: { boundary, skip } };
    }
  }
}
