// JSON text from a file a person wrote: a UTF-8 BOM is allowed (editors on Windows add one), and a
// key given twice in one object is refused (JSON.parse keeps the last one, silently).

export type JsonText = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

export function parseJsonText(text: string): JsonText {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return { ok: false, problem: `not valid JSON: ${(e as Error).message}` };
  }
  const dup = duplicateKey(body);
  return dup ? { ok: false, problem: `${dup.path}: duplicate key '${dup.key}' (line ${dup.line}): give each field once` } : { ok: true, value };
}

interface Frame {
  readonly object: boolean;
  readonly keys: Set<string>;
  /** the key (object) or index (array) of the value being read */
  at: string;
  expectKey: boolean;
}

/** The first key repeated within one object of valid JSON text, with its dotted path and line. */
function duplicateKey(text: string): { key: string; path: string; line: number } | null {
  const stack: Frame[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '{' || c === '[') stack.push({ object: c === '{', keys: new Set(), at: c === '{' ? '' : '0', expectKey: c === '{' });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack.at(-1);
      if (top?.object) top.expectKey = true;
      else if (top) top.at = String(Number(top.at) + 1);
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (top?.object && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const path = [...stack.slice(0, -1).map((f) => f.at), key].join('.');
        if (top.keys.has(key)) return { key, path, line };
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
      i = end;
    }
  }
  return null;
}
