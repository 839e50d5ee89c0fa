// An engine error shown by the form field it is about. The engine names the field in the error's
// data (`workload.vectors`, `board`, `params.from`); a refusal that names it only in its message
// ("boundary: required for mode hcim") is read the same way. An error on a field the form does not
// have goes to its nearest field (`workload` to `workload.kind`), or to the form as a whole.
import { RpcClientError } from '../../../shared/api/client';

export interface FormError {
  /** one of the form's fields, or null: the form as a whole */
  readonly field: string | null;
  readonly message: string;
}

export type FieldErrors = Readonly<Record<string, string>>;

function fieldOfMessage(message: string, fields: readonly string[]): string | null {
  const m = /^([A-Za-z][\w.]*): /.exec(message);
  const key = m?.[1];
  if (!key) return null;
  return fields.some((f) => f === key || f.startsWith(`${key}.`) || key.startsWith(`${f}.`)) ? key : null;
}

/** The form field an error key lands on. */
export function fieldFor(key: string, fields: readonly string[]): string | null {
  if (fields.includes(key)) return key;
  const child = fields.find((f) => f.startsWith(`${key}.`));
  if (child) return child;
  const parents = fields.filter((f) => key.startsWith(`${f}.`)).sort((a, b) => b.length - a.length);
  return parents[0] ?? null;
}

export function formError(e: unknown, fields: readonly string[]): FormError {
  if (!(e instanceof RpcClientError)) return { field: null, message: e instanceof Error ? e.message : String(e) };
  const key = e.field ?? fieldOfMessage(e.message, fields);
  if (key === null) return { field: null, message: e.message };
  const message = e.message.startsWith(`${key}: `) ? e.message.slice(key.length + 2) : e.message;
  const field = fieldFor(key, fields);
  return field === null ? { field: null, message: e.message } : { field, message };
}

/** A form's errors by field, with the form's own under ''. */
export function errorsOf(e: unknown, fields: readonly string[]): FieldErrors {
  const { field, message } = formError(e, fields);
  return { [field ?? '']: message };
}
