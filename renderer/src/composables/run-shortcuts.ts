// The run keys, while a screen that watches a run is shown: Space pauses or resumes, Esc asks to
// abort (Esc again, or the dialog's button, takes it back; Enter confirms), Ctrl+Enter starts.
// Space is left to a focused control (a button, a field), where it means something already.
import { onActivated, onDeactivated, onMounted, onUnmounted } from 'vue';

export interface RunKeys {
  start(): unknown;
  pause(): unknown;
  resume(): unknown;
  requestAbort(): unknown;
  confirmAbort(): unknown;
  cancelAbort(): unknown;
  readonly canPause: boolean;
  readonly canResume: boolean;
  readonly confirmingAbort: boolean;
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON']);

/** What a key does to a run; true when it was used. */
export function handleRunKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>, keys: RunKeys): boolean {
  const target = e.target as { tagName?: string; isContentEditable?: boolean; disabled?: boolean } | null;
  // a control that is disabled (the start button once the run started) does nothing with a key
  const typing = !!target && target.disabled !== true && (TYPING.has(target.tagName ?? '') || target.isContentEditable === true);
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    void keys.start();
    return true;
  }
  if (e.key === 'Escape') {
    if (keys.confirmingAbort) void keys.cancelAbort();
    else void keys.requestAbort();
    return true;
  }
  if (e.key === 'Enter' && keys.confirmingAbort && !typing) {
    void keys.confirmAbort();
    return true;
  }
  if (e.key === ' ' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
    if (keys.canPause) void keys.pause();
    else if (keys.canResume) void keys.resume();
    else return false;
    return true;
  }
  return false;
}

export function useRunShortcuts(keys: () => RunKeys): void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.repeat) return;
    if (handleRunKey(e, keys())) e.preventDefault();
  };
  let on = false;
  const add = () => {
    if (!on) window.addEventListener('keydown', onKey);
    on = true;
  };
  const remove = () => {
    window.removeEventListener('keydown', onKey);
    on = false;
  };
  onMounted(add);
  onActivated(add);
  onDeactivated(remove);
  onUnmounted(remove);
}
