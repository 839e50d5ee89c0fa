// Where the store lives unless --db says otherwise: the user's data directory (XDG on Linux).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'osa-bench', 'osa-bench.db');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'osa-bench', 'osa-bench.db');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'osa-bench', 'osa-bench.db');
}
