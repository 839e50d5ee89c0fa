// @vitest-environment happy-dom
// A board lost mid-run in the run's status, on virtual time: shown at once with the seconds left
// of the engine's wait (counted down from the disconnect event's time), then as resumed, or as the
// run's end (interrupted); a run read back from the store says the same.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ConnectionBanner from '../../renderer/src/components/ConnectionBanner.vue';
import RunStatus from '../../renderer/src/components/RunStatus.vue';
import { boardLink, DEFAULT_RESUME_WITHIN_MS, secondsLeft } from '../../renderer/src/composables/resume-countdown';
import { RunFold } from '../../renderer/src/fold/run-fold';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { FakeEngine } from './support/fake-engine';
import { batchDoc, startDoc, statusDoc, stopDoc } from './support/streams';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A run that streamed two batches, then lost its board 10 s in (as engine/run/drive.ts reports it). */
function lostAt10s(): RunFold {
  const fold = new RunFold(3);
  fold.apply(startDoc(3, 0, { vectorsTotal: 4000 }));
  fold.apply(statusDoc(3, 1, { vectorsTotal: 4000, event: { kind: 'connect', detail: 'sim' }, time: at(1) }));
  fold.apply(batchDoc(3, 2, 0));
  fold.apply(batchDoc(3, 3, 1));
  fold.apply(statusDoc(3, 4, { state: 'resuming', vectorsDone: 800, vectorsTotal: 4000, time: at(10) }));
  fold.apply(statusDoc(3, 5, { state: 'resuming', vectorsDone: 800, vectorsTotal: 4000, event: { kind: 'disconnect', detail: 'the link closed' }, time: at(10) }));
  return fold;
}

const props = (fold: RunFold) => ({ view: fold.snapshot(), canPause: false, canResume: false, live: true, confirmingAbort: false, controlError: null });

beforeEach(() => vi.useFakeTimers({ now: T0 + 10_000 }));
afterEach(() => {
  vi.useRealTimers();
  setConnectionDeps(null);
});

describe('the resume countdown', () => {
  it('counts down from the disconnect to the end of the engine’s wait', async () => {
    const fold = lostAt10s();
    const w = mount(RunStatus, { props: props(fold) });
    const box = () => w.find('[data-testid="board-disconnected"]');
    expect(box().exists()).toBe(true);
    expect(w.find('[data-testid="resume-countdown"]').text()).toBe('Board disconnected — resuming within 10 s');
    expect(box().text()).toContain('the link closed');
    expect(w.find('[data-testid="run-progress"]').classes()).toContain('resuming');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(w.find('[data-testid="resume-countdown"]').text()).toBe('Board disconnected — resuming within 8 s');
    expect(box().attributes('data-seconds')).toBe('8');
    await vi.advanceTimersByTimeAsync(7_900);
    expect(box().attributes('data-seconds')).toBe('1');
    await vi.advanceTimersByTimeAsync(400);
    expect(w.find('[data-testid="resume-countdown"]').text()).toBe('Board disconnected — a last try to find it');

    // the board came back: running again, and the resume event
    fold.apply(statusDoc(3, 6, { state: 'running', vectorsDone: 800, vectorsTotal: 4000, time: at(21) }));
    fold.apply(statusDoc(3, 7, { vectorsDone: 800, vectorsTotal: 4000, event: { kind: 'resume', detail: 'same board back' }, time: at(21) }));
    await w.setProps({ view: fold.snapshot() });
    expect(box().exists()).toBe(false);
    expect(w.find('[data-testid="board-resumed"]').text()).toMatch(/^Board back: resumed at \d\d:\d\d:\d\d/);
    // and the countdown's clock stopped with it
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts the wait the run was started with', async () => {
    const w = mount(RunStatus, { props: { ...props(lostAt10s()), resumeWithinMs: 30_000 } });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(w.find('[data-testid="resume-countdown"]').text()).toBe('Board disconnected — resuming within 25 s');
  });

  it('counts to the deadline the engine’s status gives, whatever the page assumes', async () => {
    const fold = lostAt10s();
    // a run started elsewhere with a 45 s wait: the status says until when, the page assumes 10 s
    fold.apply(statusDoc(3, 6, { state: 'resuming', vectorsDone: 800, vectorsTotal: 4000, resumeBy: at(55), time: at(10) }));
    expect(fold.snapshot().resumeBy).toBe(T0 + 55_000);
    const w = mount(RunStatus, { props: props(fold) });
    expect(w.find('[data-testid="resume-countdown"]').text()).toBe('Board disconnected — resuming within 45 s');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(w.find('[data-testid="resume-countdown"]').text()).toBe('Board disconnected — resuming within 15 s');
    // once running again, the deadline is gone from the view
    fold.apply(statusDoc(3, 7, { state: 'running', vectorsDone: 800, vectorsTotal: 4000, time: at(41) }));
    expect(fold.snapshot().resumeBy).toBeNull();
  });

  it('says when the wait is not known (a procedure’s child run), with no number', () => {
    const w = mount(RunStatus, { props: { ...props(lostAt10s()), resumeWithinMs: null } });
    expect(w.find('[data-testid="resume-countdown"]').text()).toBe('Board disconnected — waiting for it to come back');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows the run’s end when the board did not come back', async () => {
    const fold = lostAt10s();
    const w = mount(RunStatus, { props: props(fold) });
    fold.apply(statusDoc(3, 6, { state: 'interrupted', vectorsDone: 800, vectorsTotal: 4000, time: at(20) }));
    fold.apply(stopDoc(3, 7, {}, 'interrupted'));
    await w.setProps({ view: fold.snapshot(), live: false });
    expect(w.find('[data-testid="board-disconnected"]').exists()).toBe(false);
    expect(w.find('[data-testid="board-lost"]').text()).toContain('the run ended interrupted');
    expect(w.find('[data-testid="run-state"]').attributes('data-state')).toBe('interrupted');
  });

  it('reads a run without a disconnect as nothing to show', () => {
    const fold = new RunFold(4);
    fold.apply(startDoc(4, 0));
    fold.apply(statusDoc(4, 1, { event: { kind: 'pause', detail: null } }));
    fold.apply(statusDoc(4, 2, { event: { kind: 'resume', detail: null } }));
    expect(boardLink(fold.snapshot(), DEFAULT_RESUME_WITHIN_MS)).toBeNull();
    const w = mount(RunStatus, { props: props(fold) });
    expect(w.find('[data-testid="board-disconnected"]').exists()).toBe(false);
    expect(w.find('[data-testid="board-resumed"]').exists()).toBe(false);
  });
});

describe('secondsLeft', () => {
  it('counts whole seconds up, from 0 to the wait at most', () => {
    expect(DEFAULT_RESUME_WITHIN_MS).toBe(10_000);
    expect(secondsLeft(10_000, 1_800, 10_000)).toBe(9);
    expect(secondsLeft(10_000, 10_000, 10_000)).toBe(0);
    expect(secondsLeft(10_000, 12_000, 10_000)).toBe(0);
    // a page clock behind the engine's: never more than the wait
    expect(secondsLeft(10_000, -60_000, 10_000)).toBe(10);
  });
});

describe('the engine connection lost', () => {
  it('is shown at once, with the seconds to the client’s next try, until it is back', async () => {
    setActivePinia(createPinia());
    const engine = new FakeEngine();
    engine.install();
    const conn = useConnectionStore();
    await conn.connect();
    const w = mount(ConnectionBanner);
    // the engine goes away: each try is refused, and the client waits longer before the next
    engine.refuse = true;
    engine.sockets[0]?.close();
    await flushPromises();
    expect(w.find('[data-testid="connection-lost"]').exists()).toBe(true);
    await vi.advanceTimersByTimeAsync(250 + 500 + 1000 + 2000 + 10);
    expect(conn.attempt).toBe(5);
    const retry = () => w.find('[data-testid="connection-retry-in"]');
    expect(retry().text()).toBe('Next try in 4 s.');
    await vi.advanceTimersByTimeAsync(1_500);
    expect(retry().attributes('data-seconds')).toBe('3');
    // back
    engine.refuse = false;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(conn.state).toBe('open');
    expect(w.find('[data-testid="connection-lost"]').exists()).toBe(false);
    w.unmount();
  });
});
