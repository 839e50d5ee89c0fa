// The desktop app's main process: the real Electron API handed to the shell's wiring
// (shell/desktop.ts), which holds every decision. Nothing else in the repository imports electron.
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultDatabasePath } from '../engine/store/default-path';
import { startDesktop, type ElectronApiLike, type MenuItem } from '../shell/desktop';
import { startEngine } from '../shell/engine-process';

// this file is bundled to dist/electron/main.cjs; the app's root is two folders up
const ROOT = join(__dirname, '..', '..');

const electronApi: ElectronApiLike = {
  app,
  createWindow: (options) => new BrowserWindow(options),
  session: {
    setPermissionRequestHandler: (fn) => session.defaultSession.setPermissionRequestHandler(fn),
    setPermissionCheckHandler: (fn) => session.defaultSession.setPermissionCheckHandler(fn),
    onHeadersReceived: (fn) => session.defaultSession.webRequest.onHeadersReceived(fn),
  },
  ipcMain,
  dialog: {
    showOpenDialog: (o) => dialog.showOpenDialog({ ...o, properties: ['openFile'] }),
    showSaveDialog: (o) => dialog.showSaveDialog(o),
  },
  openExternal: (url) => shell.openExternal(url),
  setMenu: (template: MenuItem[]) => Menu.setApplicationMenu(Menu.buildFromTemplate(template as Electron.MenuItemConstructorOptions[])),
};

// packaged, the engine runs on the app's own binary as Node; in development, on the system's node
const node = app.isPackaged ? process.execPath : (process.env.OSA_BENCH_NODE ?? 'node');
const env = app.isPackaged ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env;

startDesktop({
  electron: electronApi,
  preload: join(__dirname, 'preload.cjs'),
  startEngine: () => startEngine({ node, cli: join(ROOT, 'bin', 'osa-bench.mjs'), dbPath: defaultDatabasePath(), env }),
  files: { read: (p) => readFile(p), write: (p, d) => writeFile(p, d) },
  log: (line) => console.warn(`osa-bench: ${line}`),
}).catch((e: unknown) => {
  dialog.showErrorBox('OSA-Bench could not start', e instanceof Error ? e.message : String(e));
  app.exit(1);
});
