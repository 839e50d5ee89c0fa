// The desktop shell's wiring with a fake Electron: one instance, the security checklist applied to
// every web contents, the engine's page loaded with its token, dialogs only for the app's page
// with valid payloads, and the engine stopped before the app quits.
import { describe, expect, it } from 'vitest';
import { MENU, startDesktop, type ElectronApiLike, type IpcEventLike, type NavigationEventLike, type WebContentsLike, type WindowOptions } from '../../shell/desktop';
import { IPC } from '../../shell/ipc';
import { contentSecurityPolicy, isAllowedExternal } from '../../shell/window-policy';

const ORIGIN = 'http://127.0.0.1:40123';
const URL_WITH_TOKEN = `${ORIGIN}/?token=abcdefghijklmnop`;

function fakeContents() {
  const handlers = new Map<string, (e: NavigationEventLike, url: string) => void>();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
  const contents: WebContentsLike = {
    on: (event: string, fn: (e: NavigationEventLike, url: string) => void) => void handlers.set(event, fn),
    setWindowOpenHandler: (fn) => void (openHandler = fn),
  };
  /** whether a navigation to `url` went ahead */
  const navigate = (event: string, url: string) => {
    let prevented = false;
    handlers.get(event)?.({ preventDefault: () => (prevented = true) }, url);
    return !prevented;
  };
  return { contents, navigate, open: (url: string) => openHandler?.({ url }) };
}

function fakeElectron(lock = true) {
  const app = new Map<string, (...a: never[]) => void>();
  const ipc = new Map<string, (e: IpcEventLike, p: unknown) => Promise<unknown>>();
  const log = {
    quit: 0,
    windows: [] as WindowOptions[],
    loaded: [] as string[],
    external: [] as string[],
    saved: [] as { path: string; data: Buffer }[],
    menu: 0,
    permission: [] as boolean[],
  };
  let headers: ((d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | null = null;
  const page = fakeContents();
  const electron: ElectronApiLike = {
    app: {
      requestSingleInstanceLock: () => lock,
      quit: () => void log.quit++,
      whenReady: () => Promise.resolve(),
      on: (event: string, fn: (...a: never[]) => void) => void app.set(event, fn),
    },
    createWindow: (options) => {
      log.windows.push(options);
      app.get('web-contents-created')?.(...([{}, page.contents] as never[]));
      return {
        webContents: page.contents,
        loadURL: (u) => (log.loaded.push(u), Promise.resolve()),
        isMinimized: () => false,
        restore: () => undefined,
        focus: () => undefined,
      };
    },
    session: {
      setPermissionRequestHandler: (fn) => fn({}, 'media', (g) => log.permission.push(g)),
      setPermissionCheckHandler: (fn) => log.permission.push(fn()),
      onHeadersReceived: (fn) => void (headers = fn),
    },
    ipcMain: { handle: (channel, fn) => void ipc.set(channel, fn) },
    dialog: {
      showOpenDialog: () => Promise.resolve({ canceled: false, filePaths: ['/data/vectors.csv'] }),
      showSaveDialog: (o) => Promise.resolve({ canceled: false, filePath: `/home/me/${o.defaultPath}` }),
    },
    openExternal: (url) => (log.external.push(url), Promise.resolve()),
    setMenu: () => void log.menu++,
  };
  const fire = (event: string, ...args: unknown[]) => app.get(event)?.(...(args as never[]));
  const headersFor = (url: string) => {
    let out: Record<string, string[]> = {};
    headers?.({ url, responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (out = r.responseHeaders));
    return out;
  };
  return { electron, log, ipc, page, fire, headersFor };
}

function start(f: ReturnType<typeof fakeElectron>) {
  const engine = { stopped: 0 };
  const win = startDesktop({
    electron: f.electron,
    preload: '/app/dist/electron/preload.cjs',
    startEngine: () => Promise.resolve({ url: URL_WITH_TOKEN, origin: ORIGIN, stop: () => (engine.stopped++, Promise.resolve()) }),
    files: { read: () => Promise.resolve(Buffer.from('1,2\n3,4\n')), write: (path, data) => (f.log.saved.push({ path, data }), Promise.resolve()) },
  });
  return { win, engine };
}

const appPage: IpcEventLike = { senderFrame: { url: `${ORIGIN}/#/run`, parent: null } };

describe('the desktop shell', () => {
  it('opens one secure window on the engine page with its token, and the standard menu', async () => {
    const f = fakeElectron();
    expect(await start(f).win).not.toBeNull();
    expect(f.log.loaded).toEqual([URL_WITH_TOKEN]);
    expect(f.log.windows[0]?.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: '/app/dist/electron/preload.cjs',
    });
    expect(f.log.menu).toBe(1);
    expect(MENU.map((m) => m.label)).toEqual(['OSA-Bench', 'Edit', 'View', 'Window']);
  });

  it('quits at once when another instance holds the lock, without starting an engine', async () => {
    const f = fakeElectron(false);
    const { win } = start(f);
    expect(await win).toBeNull();
    expect(f.log.quit).toBe(1);
    expect(f.log.windows).toEqual([]);
  });

  it('denies navigation away, new windows and permission requests; opens only allow-listed links outside', async () => {
    const f = fakeElectron();
    await start(f).win;
    expect(f.page.navigate('will-navigate', `${ORIGIN}/#/history`)).toBe(true);
    expect(f.page.navigate('will-navigate', 'https://evil.example/')).toBe(false);
    expect(f.page.navigate('will-redirect', 'http://127.0.0.1:9/')).toBe(false);
    expect(f.page.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(f.page.open('https://github.com/osa-bench')).toEqual({ action: 'deny' });
    expect(f.log.external).toEqual(['https://github.com/osa-bench']);
    expect(f.log.permission).toEqual([false, false]);
    expect(isAllowedExternal('http://github.com/')).toBe(false);
  });

  it('sets a strict Content Security Policy on the engine page only', async () => {
    const f = fakeElectron();
    await start(f).win;
    expect(f.headersFor(`${ORIGIN}/index.html`)['Content-Security-Policy']).toEqual([contentSecurityPolicy(ORIGIN)]);
    expect(contentSecurityPolicy(ORIGIN)).toMatch(/default-src 'none'.*script-src 'self'.*connect-src 'self' ws:\/\/127\.0\.0\.1:40123/);
    expect(f.headersFor('https://other.example/')['Content-Security-Policy']).toBeUndefined();
  });

  it('serves dialogs to the app page only, with payloads checked', async () => {
    const f = fakeElectron();
    await start(f).win;
    const save = f.ipc.get(IPC.saveFile)!;
    await expect(save(appPage, { defaultName: 'snr.png', base64: Buffer.from('PNG').toString('base64') })).resolves.toEqual({ path: '/home/me/snr.png' });
    expect(f.log.saved[0]?.data.toString()).toBe('PNG');
    await expect(save({ senderFrame: { url: 'https://evil.example/', parent: null } }, { defaultName: 'x.png', base64: '' })).rejects.toThrow(/not the app page/);
    await expect(save({ senderFrame: { url: `${ORIGIN}/`, parent: {} } }, { defaultName: 'x.png', base64: '' })).rejects.toThrow(/not the app page/);
    await expect(save(appPage, { defaultName: '../../etc/passwd', text: 'x' })).rejects.toThrow(/a file name, not a path/);
    await expect(save(appPage, { defaultName: 'a.csv', text: 'x', base64: 'eA==' })).rejects.toThrow(/exactly one of text and base64/);
    await expect(f.ipc.get(IPC.openFile)!(appPage, { filters: [{ name: 'CSV', extensions: ['csv'] }] })).resolves.toEqual({
      name: '/data/vectors.csv',
      text: '1,2\n3,4\n',
    });
    await expect(f.ipc.get(IPC.openFile)!(appPage, { extra: true })).rejects.toThrow();
  });

  it('stops the engine before the app quits', async () => {
    const f = fakeElectron();
    const { win, engine } = start(f);
    await win;
    let prevented = false;
    f.fire('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(engine.stopped).toBe(1);
    expect(f.log.quit).toBe(1);
  });
});
