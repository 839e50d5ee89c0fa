// The narrow bridge the page gets: native open and save dialogs, nothing else (no ipcRenderer, no
// Node). The page finds the engine by its own address and token.
import { contextBridge, ipcRenderer } from 'electron';
import type { OpenFileRequest, SaveFileRequest } from '../shell/ipc';
import { IPC } from '../shell/ipc-channels';

contextBridge.exposeInMainWorld('osaBenchDesktop', {
  openFile: (req: OpenFileRequest): Promise<{ name: string; text: string } | null> => ipcRenderer.invoke(IPC.openFile, req),
  saveFile: (req: SaveFileRequest): Promise<{ path: string } | null> => ipcRenderer.invoke(IPC.saveFile, req),
});
