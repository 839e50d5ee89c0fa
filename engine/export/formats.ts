// The export formats, in a module of its own with no imports, so that the command line can list
// them at start without loading the store or the Parquet writer.
export const EXPORT_FORMATS = ['csv', 'json', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The format a file name says: .csv, .json or .jsonl (JSON Lines), .parquet or .pq; null when it says none. */
export function formatOfName(name: string): ExportFormat | null {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson') return 'json';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  return null;
}
