// Numbers as the screens show them.

/** A dB figure: null is infinite (no error at all). */
export function dB(v: number | null | undefined, digits = 2): string {
  if (v === undefined) return '–';
  return v === null ? '∞ dB' : `${v.toFixed(digits)} dB`;
}

export function num(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toFixed(digits);
}

export function int(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return Math.round(v).toLocaleString('en-US');
}

export function percent(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${(v * 100).toFixed(digits)} %`;
}

/** A duration in seconds: 42 s, 3 min 05 s, 2 h 04 min. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export function rate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond) || perSecond <= 0) return '–';
  return perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)} k vectors/s` : `${perSecond.toFixed(0)} vectors/s`;
}

/** A timestamp as local date and time, to the second. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A timestamp in a table: month, day, hours and minutes. */
export function short(iso: string | null | undefined): string {
  const w = when(iso);
  return w.length === 19 ? w.slice(5, 16) : w;
}

export function time(iso: string | null | undefined): string {
  const w = when(iso);
  return w.length > 11 ? w.slice(11) : w;
}
