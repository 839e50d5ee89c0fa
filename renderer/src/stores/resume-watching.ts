// A page opened (or reloaded) while runs go on in the engine watches them again: the newest live
// measurement run on the Run screen, the newest live procedure on the Procedures screen.
import { isProcedure } from '../fold/reports';
import { useConnectionStore } from './connection';
import { useLiveRunStore } from './live-run';
import { useProceduresStore } from './procedures';

export async function resumeWatching(): Promise<void> {
  const conn = useConnectionStore();
  const liveRun = useLiveRunStore();
  const procedures = useProceduresStore();
  try {
    const client = conn.client();
    const { live } = await client.call('bench.info', {});
    for (const l of [...live].sort((a, b) => b.runId - a.runId)) {
      const row = await client.call('runs.get', { run: l.runId });
      if (row.kind === 'run' && !liveRun.view) await liveRun.attach(l.runId);
      else if (isProcedure(row.kind) && !procedures.view) await procedures.attach(l.runId);
    }
  } catch {
    // nothing to resume
  }
}
