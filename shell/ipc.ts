// The bridge between the page and the main process: native open and save dialogs, nothing else.
// Every message's sender and payload are checked here before main acts on them.
import { z } from 'zod';

export { IPC } from './ipc-channels';

const filters = z.array(z.object({ name: z.string().max(100), extensions: z.array(z.string().regex(/^[\w*]{1,16}$/)).max(20) })).max(10);

export const openFileSchema = z.strictObject({ title: z.string().max(200).optional(), filters: filters.default([]) });
/** Save `text` (a CSV, a JSON) or `base64` (a PNG) to a file the user picks. */
export const saveFileSchema = z
  .strictObject({
    title: z.string().max(200).optional(),
    defaultName: z
      .string()
      .max(255)
      .regex(/^[^/\\]+$/, 'a file name, not a path'),
    filters: filters.default([]),
    text: z.string().max(200_000_000).optional(),
    base64: z.string().max(200_000_000).optional(),
  })
  .refine((v) => (v.text === undefined) !== (v.base64 === undefined), 'exactly one of text and base64');

export type OpenFileRequest = z.input<typeof openFileSchema>;
export type SaveFileRequest = z.input<typeof saveFileSchema>;

/** A message is taken only from the app's own page, on the engine's origin, in the main frame. */
export function trustedSender(frameUrl: string | undefined, isMainFrame: boolean, engineOrigin: string): boolean {
  if (!isMainFrame || !frameUrl) return false;
  try {
    return new URL(frameUrl).origin === engineOrigin;
  } catch {
    return false;
  }
}
