// The IPC channels of the desktop bridge (the preload imports these alone: no schema library in the page).
export const IPC = {
  openFile: 'osa-bench:open-file',
  saveFile: 'osa-bench:save-file',
} as const;
