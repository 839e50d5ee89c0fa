// The desktop shell's bridge (electron/preload.ts), when the page runs in the desktop app: native
// save and open dialogs. In a browser (web mode) there is none, and files come as downloads.

export interface DesktopSaveRequest {
  readonly title?: string;
  readonly defaultName: string;
  readonly filters?: readonly { readonly name: string; readonly extensions: readonly string[] }[];
  readonly text?: string;
  readonly base64?: string;
}

export interface DesktopBridge {
  saveFile(req: DesktopSaveRequest): Promise<{ path: string } | null>;
}

/** The bridge, or null in a browser. */
export function desktopBridge(host: unknown = typeof window === 'undefined' ? undefined : window): DesktopBridge | null {
  const b = (host as { osaBenchDesktop?: { saveFile?: unknown } } | undefined)?.osaBenchDesktop;
  return b && typeof b.saveFile === 'function' ? (b as DesktopBridge) : null;
}
