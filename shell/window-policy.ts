// The Electron security checklist as data and predicates (../shared/design/architecture.md): what
// the window may load, where it may navigate, what the page may ask for. electron/ applies them;
// tests check them without Electron.

/** The window's web preferences: the page is a web page, nothing more. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

/**
 * The Content Security Policy of every response the window loads: the app's own scripts and
 * styles, its API WebSocket on the engine's origin, images from itself and data: (PNG export).
 */
export function contentSecurityPolicy(engineOrigin: string): string {
  const ws = engineOrigin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Only the engine's own origin is ever loaded in the window. */
export function isEngineUrl(url: string, engineOrigin: string): boolean {
  try {
    return new URL(url).origin === engineOrigin;
  } catch {
    return false;
  }
}

/** Links the app may open in the user's browser: documentation, nothing the page makes up. */
export const EXTERNAL_ALLOW_LIST: readonly string[] = ['https://github.com/', 'https://www.electronjs.org/'];

export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_ALLOW_LIST.some((prefix) => url.startsWith(prefix));
  } catch {
    return false;
  }
}
