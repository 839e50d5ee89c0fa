// What can go wrong talking to a board, each with the board's label in its message.

export class BoardError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
    readonly verb: string,
  ) {
    super(`board refused ${verb}: ERR ${code} ${text}`);
    this.name = 'BoardError';
  }
}

export class BoardUnresponsiveError extends Error {
  constructor(label: string, detail: string) {
    super(`${label}: the board does not answer (${detail}); it is reported unresponsive`);
    this.name = 'BoardUnresponsiveError';
  }
}

export class BoardDisconnectedError extends Error {
  constructor(label: string, reason: string) {
    super(`${label}: disconnected (${reason})`);
    this.name = 'BoardDisconnectedError';
  }
}

export class IncompatibleBoardError extends Error {
  constructor(label: string, detail: string) {
    super(`${label}: ${detail}`);
    this.name = 'IncompatibleBoardError';
  }
}

export class QueueFullError extends Error {
  constructor(label: string, limit: number) {
    super(`${label}: ${limit} requests are already waiting; the board is not keeping up`);
    this.name = 'QueueFullError';
  }
}

/** The board rebooted under a run: it lost its configuration, weights, vectors and results. */
export class BoardRebootedError extends Error {
  constructor(label: string, detail: string) {
    super(`${label}: the board rebooted (${detail})`);
    this.name = 'BoardRebootedError';
  }
}
