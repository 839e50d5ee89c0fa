// What a browser downloads from the engine over HTTP, beside the API: a run's export or report.
// GET /download/runs/RUN.EXT?token=T[&with=RUN2], EXT one of csv, jsonl, parquet, html (a report;
// with `with`, the report of the two runs' comparison). The token is the API's; the answer is
// the file as an attachment, or a JSON error naming the field at fault.
export const EXPORT_FILE_FORMATS = ['csv', 'json', 'parquet', 'html'] as const;
export type ExportFileFormat = (typeof EXPORT_FILE_FORMATS)[number];

export const DOWNLOAD_EXTENSIONS: Readonly<Record<ExportFileFormat, string>> = { csv: 'csv', json: 'jsonl', parquet: 'parquet', html: 'html' };

/** The URL a browser downloads a run's export or report from. */
export function downloadUrl(origin: string, token: string, run: number | string, format: ExportFileFormat, withRun?: number | string): string {
  const query = [`token=${encodeURIComponent(token)}`, ...(withRun === undefined ? [] : [`with=${encodeURIComponent(String(withRun))}`])].join('&');
  return `${origin}/download/runs/${encodeURIComponent(String(run))}.${DOWNLOAD_EXTENSIONS[format]}?${query}`;
}
