// JSON-RPC 2.0: one text frame in, at most one text frame out. Every request is checked against
// rpcRequestSchema and its params against METHODS[method] before a handler sees it, and every
// failure becomes a JSON-RPC error: nothing a client sends can throw out of here.
import type { z } from 'zod';
import { BoardBusyError, FieldError } from '../../shared/api/run-options';
import { METHODS, RPC_ERRORS, rpcRequestSchema, type MethodName, type MethodParams, type MethodResult, type RpcErrorBody } from '../../shared/api/rpc';
import { errorMessage, resultMessage, type RpcId } from './wire';

/** An error a handler means to send as it is. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** What a handler may do beyond answering. */
export interface CallContext {
  /** run `fn` once the answer is queued (a subscription's documents follow its answer) */
  afterReply(fn: () => void): void;
}

export type Handler<M extends MethodName, C> = (params: MethodParams<M>, ctx: C & CallContext) => MethodResult<M> | Promise<MethodResult<M>>;
export type Handlers<C> = { readonly [M in MethodName]: Handler<M, C> };

export interface DispatchOptions {
  /** most requests in one JSON-RPC batch (an array) */
  readonly maxBatch: number;
  /** errors that are not the client's nor the bench's refusals: a bug, to be logged */
  readonly onInternalError: (method: string, e: unknown) => void;
}

/** The answer to a frame (null: nothing to answer) and what to do once it is queued. */
export interface Dispatched {
  readonly reply: string | null;
  readonly after: readonly (() => void)[];
}

const fail = (id: RpcId, code: number, message: string, field?: string): string => errorMessage(id, errorBody(code, message, field));

function errorBody(code: number, message: string, field?: string): RpcErrorBody {
  return field === undefined ? { code, message } : { code, message, data: { field } };
}

/** The id of something that looked like a request, when it had a usable one. */
function idOf(value: unknown): RpcId {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  const id = value.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

export function parseError(): string {
  return fail(null, RPC_ERRORS.PARSE, 'parse error: the message is not JSON');
}

export function tooLarge(bytes: number, limit: number): string {
  return fail(null, RPC_ERRORS.TOO_LARGE, `message too large: ${bytes} bytes, at most ${limit}`);
}

export class Dispatcher<C> {
  constructor(
    private readonly handlers: Handlers<C>,
    private readonly options: DispatchOptions,
  ) {}

  /**
   * `large`: the frame is over the usual size, which only a single request to one of `large.methods`
   * may be (a file's bytes); anything else is answered TOO_LARGE, as a frame over the limit is.
   */
  async dispatch(frame: string, ctx: C, large?: { readonly methods: ReadonlySet<string>; readonly limit: number }): Promise<Dispatched> {
    const after: (() => void)[] = [];
    const call: C & CallContext = { ...ctx, afterReply: (fn) => after.push(fn) };
    let message: unknown;
    try {
      message = JSON.parse(frame);
    } catch {
      return { reply: large ? tooLarge(Buffer.byteLength(frame), large.limit) : parseError(), after };
    }
    if (large) {
      const method = typeof message === 'object' && message !== null && !Array.isArray(message) ? (message as { method?: unknown }).method : undefined;
      if (typeof method !== 'string' || !large.methods.has(method)) return { reply: tooLarge(Buffer.byteLength(frame), large.limit), after };
    }
    if (!Array.isArray(message)) return { reply: await this.one(message, call), after };
    if (message.length === 0) return { reply: fail(null, RPC_ERRORS.INVALID_REQUEST, 'an empty batch'), after };
    if (message.length > this.options.maxBatch)
      return { reply: fail(null, RPC_ERRORS.INVALID_REQUEST, `a batch of ${message.length} requests, at most ${this.options.maxBatch}`), after };
    const replies = (await Promise.all(message.map((m) => this.one(m, call)))).filter((r): r is string => r !== null);
    return { reply: replies.length > 0 ? `[${replies.join(',')}]` : null, after };
  }

  /** One request's answer, serialized; null for a notification (a request without an id). */
  private async one(value: unknown, ctx: C & CallContext): Promise<string | null> {
    const request = rpcRequestSchema.safeParse(value);
    if (!request.success) return fail(idOf(value), RPC_ERRORS.INVALID_REQUEST, `invalid request: ${describeIssue(request.error)}`);
    const { method, params } = request.data;
    const id = request.data.id ?? null;
    const answer = await this.call(method, params, ctx);
    if (!(typeof value === 'object' && value !== null && 'id' in value)) return null; // a notification
    try {
      return 'error' in answer ? errorMessage(id, answer.error) : resultMessage(id, answer.result);
    } catch (e) {
      this.options.onInternalError(method, e);
      return fail(id, RPC_ERRORS.INTERNAL, 'internal error: the result could not be serialized');
    }
  }

  private async call(method: string, params: unknown, ctx: C & CallContext): Promise<{ result: unknown } | { error: RpcErrorBody }> {
    if (!Object.hasOwn(METHODS, method)) return { error: errorBody(RPC_ERRORS.METHOD_NOT_FOUND, `no method '${method}'`) };
    const name = method as MethodName;
    const parsed = (METHODS[name] as z.ZodType).safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') || '(params)';
      return { error: errorBody(RPC_ERRORS.INVALID_PARAMS, `${field}: ${issue?.message ?? 'invalid'}`, field) };
    }
    try {
      const handler = this.handlers[name] as (p: unknown, c: C & CallContext) => unknown;
      return { result: await handler(parsed.data, ctx) };
    } catch (e) {
      return { error: this.errorOf(method, e) };
    }
  }

  private errorOf(method: string, e: unknown): RpcErrorBody {
    if (e instanceof RpcError) return errorBody(e.code, e.message, e.field);
    // a busy board is a refusal of a request that was fine; other input errors name their field
    if (e instanceof BoardBusyError) return errorBody(RPC_ERRORS.REFUSED, e.message, e.field);
    if (e instanceof FieldError) return errorBody(RPC_ERRORS.INVALID_PARAMS, e.message, e.field);
    const field = e instanceof Error ? (e as { field?: unknown }).field : undefined;
    if (typeof field === 'string') return errorBody(RPC_ERRORS.INVALID_PARAMS, e instanceof Error ? e.message : String(e), field);
    // a bug here, not a refusal of the bench: logged, and the client told no more than that
    if (!(e instanceof Error) || e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError) {
      this.options.onInternalError(method, e);
      return errorBody(RPC_ERRORS.INTERNAL, `internal error in ${method}`);
    }
    // the bench could not do it: a board that does not answer, a store that refuses, ...
    return errorBody(RPC_ERRORS.REFUSED, e.message);
  }
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}
