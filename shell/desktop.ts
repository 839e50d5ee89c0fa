// The desktop shell's wiring: one instance, the engine started beside it, one window on the
// engine's origin with the security checklist applied, native dialogs behind validated IPC, a
// standard menu, and the engine stopped on quit. It takes the Electron API as an argument (the
// slice it uses, below), so it is tested under Node with a fake; electron/main.ts hands it the
// real one.
import { contentSecurityPolicy, isAllowedExternal, isEngineUrl, secureWebPreferences } from './window-policy';
import { IPC, openFileSchema, saveFileSchema, trustedSender } from './ipc';
import type { RunningEngine } from './engine-process';

export interface IpcEventLike {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}
export interface NavigationEventLike {
  preventDefault(): void;
}
export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', fn: (e: NavigationEventLike, url: string) => void): void;
  on(event: 'will-attach-webview', fn: (e: NavigationEventLike) => void): void;
  setWindowOpenHandler(fn: (details: { url: string }) => { action: 'deny' }): void;
}
export interface WindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
}
export interface WindowOptions {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly show: boolean;
  readonly webPreferences: ReturnType<typeof secureWebPreferences>;
}
type HeadersCallback = (response: { responseHeaders: Record<string, string[]> }) => void;
export interface ElectronApiLike {
  readonly app: {
    requestSingleInstanceLock(): boolean;
    quit(): void;
    whenReady(): Promise<unknown>;
    on(event: 'second-instance' | 'window-all-closed', fn: () => void): void;
    on(event: 'before-quit', fn: (e: NavigationEventLike) => void): void;
    on(event: 'web-contents-created', fn: (e: unknown, contents: WebContentsLike) => void): void;
  };
  createWindow(options: WindowOptions): WindowLike;
  readonly session: {
    setPermissionRequestHandler(fn: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
    setPermissionCheckHandler(fn: () => boolean): void;
    onHeadersReceived(fn: (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: HeadersCallback) => void): void;
  };
  readonly ipcMain: { handle(channel: string, fn: (event: IpcEventLike, payload: unknown) => Promise<unknown>): void };
  readonly dialog: {
    showOpenDialog(options: {
      title?: string;
      filters: { name: string; extensions: string[] }[];
      properties: string[];
    }): Promise<{ canceled: boolean; filePaths: string[] }>;
    showSaveDialog(options: {
      title?: string;
      defaultPath: string;
      filters: { name: string; extensions: string[] }[];
    }): Promise<{ canceled: boolean; filePath?: string | undefined }>;
  };
  openExternal(url: string): Promise<void>;
  setMenu(template: MenuItem[]): void;
}
export interface MenuItem {
  readonly label?: string;
  readonly role?: string;
  readonly type?: 'separator';
  readonly submenu?: MenuItem[];
}

export interface ShellDeps {
  readonly electron: ElectronApiLike;
  readonly startEngine: () => Promise<RunningEngine>;
  readonly preload: string;
  /** reads an opened file, writes a saved one (injected: tests use memory) */
  readonly files: { read(path: string): Promise<Buffer>; write(path: string, data: Buffer): Promise<void> };
  readonly log?: (line: string) => void;
}

/** The standard menu: the app, editing (copy from tables), view (reload, zoom, full screen), window. */
export const MENU: MenuItem[] = [
  { label: 'OSA-Bench', submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'quit' }] },
  { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
  {
    label: 'View',
    submenu: [
      { role: 'reload' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  },
  { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] },
];

/** Start the desktop app; resolves with its window once the engine's page is loading (null: another instance has it). */
export async function startDesktop(deps: ShellDeps): Promise<WindowLike | null> {
  const { app } = deps.electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // every web contents, this window's or any other, is held to the same rules
  app.on('web-contents-created', (_e, contents) => lockDown(contents, () => engine?.origin ?? '', deps));
  await app.whenReady();
  let engine: RunningEngine | null = await deps.startEngine();
  const origin = engine.origin;
  deps.electron.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  deps.electron.session.setPermissionCheckHandler(() => false);
  deps.electron.session.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    if (isEngineUrl(details.url, origin)) headers['Content-Security-Policy'] = [contentSecurityPolicy(origin)];
    callback({ responseHeaders: headers });
  });
  const win = deps.electron.createWindow({ width: 1400, height: 900, title: 'OSA-Bench', show: true, webPreferences: secureWebPreferences(deps.preload) });
  handleDialogs(deps, origin);
  deps.electron.setMenu(MENU);
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (e) => {
    if (!engine) return;
    // the engine ends its runs after the batch in hand and closes the store before the app goes
    e.preventDefault();
    const stopping = engine;
    engine = null;
    void stopping.stop().finally(() => app.quit());
  });
  await win.loadURL(engine.url);
  return win;
}

function lockDown(contents: WebContentsLike, origin: () => string, deps: ShellDeps): void {
  const deny = (e: NavigationEventLike, url: string) => {
    if (isEngineUrl(url, origin())) return;
    e.preventDefault();
    deps.log?.(`navigation to ${url} denied`);
  };
  contents.on('will-navigate', deny);
  contents.on('will-redirect', deny);
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void deps.electron.openExternal(url);
    return { action: 'deny' };
  });
}

function handleDialogs(deps: ShellDeps, origin: string): void {
  const { ipcMain, dialog } = deps.electron;
  const checked = <T>(event: IpcEventLike, parse: () => T): T => {
    const frame = event.senderFrame;
    if (!trustedSender(frame?.url, frame !== null && frame.parent === null, origin)) throw new Error('refused: not the app page');
    return parse();
  };
  ipcMain.handle(IPC.openFile, async (event, payload) => {
    const req = checked(event, () => openFileSchema.parse(payload));
    const r = await dialog.showOpenDialog({ title: req.title, filters: req.filters, properties: ['openFile'] });
    const path = r.filePaths[0];
    if (r.canceled || !path) return null;
    return { name: path, text: (await deps.files.read(path)).toString('utf8') };
  });
  ipcMain.handle(IPC.saveFile, async (event, payload) => {
    const req = checked(event, () => saveFileSchema.parse(payload));
    const r = await dialog.showSaveDialog({ title: req.title, defaultPath: req.defaultName, filters: req.filters });
    if (r.canceled || !r.filePath) return null;
    await deps.files.write(r.filePath, req.text !== undefined ? Buffer.from(req.text, 'utf8') : Buffer.from(req.base64 ?? '', 'base64'));
    return { path: r.filePath };
  });
}
