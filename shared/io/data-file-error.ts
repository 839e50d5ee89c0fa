// Every problem with a data file names the file, where in it (line, or element index) and what.

export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly location: string | null,
    readonly problem: string,
  ) {
    super(location ? `${file}: ${location}: ${problem}` : `${file}: ${problem}`);
    this.name = 'DataFileError';
  }
}

/** A parsed matrix, with a way to name where each element came from in its file. */
export interface LocatedMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Int32Array;
  readonly locate: (row: number, col: number) => string;
}
