export * from './profile';
export * from './modes';
export * from './matrix';
export * from './geometry';
export * from './evaluator';
export * from './batches';
