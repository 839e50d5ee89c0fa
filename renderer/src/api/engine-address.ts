// Where the engine is: the page is served by it (web mode) or opened on it by the desktop shell,
// so its API is /api on the page's own host, with the token the page's address carries (?token=).

export interface EngineAddress {
  /** ws(s)://HOST/api?token=... */
  readonly apiUrl: string;
  /** the engine's HTTP root, to tell an engine that is gone from one that refuses the token */
  readonly httpUrl: string;
  readonly host: string;
  readonly token: string | null;
}

export interface PageLocation {
  readonly protocol: string;
  readonly host: string;
  readonly search: string;
}

export function engineAddress(location: PageLocation): EngineAddress {
  const token = new URLSearchParams(location.search).get('token');
  const ws = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  return { apiUrl: `${ws}//${location.host}/api${query}`, httpUrl: `${location.protocol}//${location.host}/`, host: location.host, token: token === '' ? null : token };
}
