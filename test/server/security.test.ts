// Who may use the engine's API: the token on the upgrade, the Origin of a browser, loopback by
// default; and what HTTP serves.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerConfigError } from '../../engine/server/server';
import { originAllowed, ownOriginHosts, tokensEqual } from '../../engine/server/security';
import { cli } from '../cli/run-cli';
import { RpcClient, startTestServer, upgradeStatus, type TestServer } from './server-fixture';

function httpGet(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('the engine server: security', () => {
  let s: TestServer;
  let api: string;
  let bare: string;
  beforeAll(async () => {
    s = await startTestServer();
    api = s.server.apiUrl;
    bare = `ws://127.0.0.1:${s.server.port}/api`;
  });
  afterAll(() => s.close());

  it('binds 127.0.0.1 by default and prints a URL with a fresh base64url token', () => {
    expect(s.server.host).toBe('127.0.0.1');
    expect(s.server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.server.url).toBe(`http://127.0.0.1:${s.server.port}/?token=${s.server.token}`);
  });

  it('answers an upgrade without the token, or with a wrong one, 401', async () => {
    expect(await upgradeStatus(bare)).toBe(401);
    expect(await upgradeStatus(`${bare}?token=${s.server.token.slice(1)}`)).toBe(401);
    expect(await upgradeStatus(bare, { headers: { Authorization: 'Bearer nope' } })).toBe(401);
  });

  it('takes the token from the query or as a bearer token', async () => {
    expect(await upgradeStatus(api)).toBe(101);
    expect(await upgradeStatus(bare, { headers: { Authorization: `Bearer ${s.server.token}` } })).toBe(101);
  });

  it("answers another Origin 403, and takes the server's own (and no Origin: a script)", async () => {
    const port = s.server.port;
    expect(await upgradeStatus(api, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(api, { origin: `http://evil.example:${port}` })).toBe(403);
    expect(await upgradeStatus(api, { origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await upgradeStatus(api, { origin: `https://127.0.0.1:${port}` })).toBe(403);
    expect(await upgradeStatus(api, { origin: 'null' })).toBe(403);
    expect(await upgradeStatus(api, { origin: `http://127.0.0.1:${port}` })).toBe(101);
    expect(await upgradeStatus(api, { origin: `http://localhost:${port}` })).toBe(101);
  });

  it('serves the API at /api only', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${s.server.port}/other?token=${s.server.token}`)).toBe(404);
  });

  it('serves a page saying the UI is not built, without leaking the token in a Referer', async () => {
    const r = await httpGet(s.server.url);
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/not built/);
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect((await httpGet(`http://127.0.0.1:${s.server.port}/app.js`)).status).toBe(404);
  });

  it('a client with the token gets answers', async () => {
    const c = await RpcClient.open(api);
    expect(await c.call('bench.info')).toMatchObject({ name: 'osa-bench', api: 1, db: s.dbPath, live: [] });
    await c.close();
  });
});

describe('serving files and refusing exposure', () => {
  it('serves the built renderer from its folder and nothing outside it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'osa-renderer-'));
    const dir = join(parent, 'renderer');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<p>ui</p>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'let x = 1;');
    writeFileSync(join(parent, 'secret.txt'), 'no');
    const s = await startTestServer({ staticDir: dir });
    try {
      const base = `http://127.0.0.1:${s.server.port}`;
      expect(await httpGet(`${base}/`)).toMatchObject({ status: 200, body: '<p>ui</p>' });
      const js = await httpGet(`${base}/assets/app.js`);
      expect(js).toMatchObject({ status: 200, body: 'let x = 1;' });
      expect(js.headers['content-type']).toMatch(/javascript/);
      expect((await httpGet(`${base}/%2e%2e/secret.txt`)).status).toBe(404);
      expect((await httpGet(`${base}/assets/%2e%2e%2f%2e%2e%2fsecret.txt`)).status).toBe(404);
      expect((await httpGet(`${base}/%E0%A4%A`)).status).toBe(400);
    } finally {
      await s.close();
    }
  });

  it('refuses a host other than loopback without an explicit token, before opening the store', async () => {
    await expect(startTestServer({ host: '0.0.0.0' })).rejects.toBeInstanceOf(ServerConfigError);
    await expect(startTestServer({ token: 'short' })).rejects.toThrow(/at least 16/);
    const db = join(mkdtempSync(join(tmpdir(), 'osa-serve-')), 'runs.db');
    const r = await cli('serve', '--host', '0.0.0.0', '--port', '0', '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--host: refusing to serve on 0\.0\.0\.0 without an explicit token/);
    expect(r.stdout).toBe('');
    expect(existsSync(db)).toBe(false);
  });

  it('on all interfaces with a token, takes the Origin of any of its addresses', () => {
    const hosts = ownOriginHosts('0.0.0.0', () => ['192.168.1.5', 'fe80::1']);
    expect(originAllowed('http://192.168.1.5:8080', 8080, hosts)).toBe(true);
    expect(originAllowed('http://[fe80::1]:8080', 8080, hosts)).toBe(true);
    expect(originAllowed('http://localhost:8080', 8080, hosts)).toBe(true);
    expect(originAllowed('http://192.168.1.6:8080', 8080, hosts)).toBe(false);
    expect(originAllowed(undefined, 8080, hosts)).toBe(true);
    expect(originAllowed('not a url', 8080, hosts)).toBe(false);
  });

  it('compares tokens whatever their lengths', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('abc', '')).toBe(false);
  });
});
