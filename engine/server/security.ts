// Who may talk to the engine: a random token per launch, required on the WebSocket upgrade, and
// an Origin check, so that a web page in the user's browser can reach neither the API (it does
// not know the token) nor, through DNS rebinding, a server that trusted its Host header.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

/** A fresh token: 32 random bytes, base64url (URL- and header-safe). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokensEqual(expected: string, given: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** The token a request carries: `?token=` on its URL, or `Authorization: Bearer`. */
export function requestToken(req: IncomingMessage): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (bearer?.[1]) return bearer[1];
  try {
    return new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  } catch {
    return null;
  }
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '[::]';

/** A host as it stands in a URL: IPv6 in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The host names a page served by this server has in its Origin: the bound host, its loopback
 * equivalents when it is loopback, and every interface address when bound to all of them.
 */
export function ownOriginHosts(host: string, interfaceAddresses: () => string[] = localAddresses): Set<string> {
  const hosts = new Set<string>([urlHost(host).toLowerCase()]);
  if (isLoopbackHost(host) || isWildcard(host)) for (const name of ['localhost', '127.0.0.1', '[::1]']) hosts.add(name);
  if (isWildcard(host)) for (const a of interfaceAddresses()) hosts.add(urlHost(a).toLowerCase());
  return hosts;
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

/** No Origin (a script, not a browser) passes; a browser's must be this server's own. */
export function originAllowed(origin: string | undefined, port: number, hosts: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // 'null' (a sandboxed frame, a file: page) and anything unparsable
  }
  return url.protocol === 'http:' && url.port === String(port) && hosts.has(url.hostname.toLowerCase());
}

/** Why an upgrade is refused, as an HTTP status, or null to accept it. */
export function checkUpgrade(req: IncomingMessage, token: string, port: number, hosts: ReadonlySet<string>): { status: 401 | 403; reason: string } | null {
  const given = requestToken(req);
  if (given === null || !tokensEqual(token, given)) return { status: 401, reason: 'a valid token is required (?token= or Authorization: Bearer)' };
  if (!originAllowed(req.headers.origin, port, hosts)) return { status: 403, reason: 'this Origin may not use the API' };
  return null;
}
