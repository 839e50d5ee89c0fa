import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../shared/io/json-text';
import { stringMatching } from '../support/matchers';

describe('JSON text of a file a person wrote', () => {
  it.each([
    ['an object', '{"a": 1, "b": [1, 2]}', { a: 1, b: [1, 2] }],
    ['a byte order mark before it', '\uFEFF{"a": 1}', { a: 1 }],
    ['the same key in two objects', '{"a": {"x": 1}, "b": {"x": 2}}', { a: { x: 1 }, b: { x: 2 } }],
    ['the same key in objects of an array', '[{"x": 1}, {"x": 2}]', [{ x: 1 }, { x: 2 }]],
    ['a value that looks like a key', '{"a": "a", "b": ["a", "a"]}', { a: 'a', b: ['a', 'a'] }],
    ['escaped quotes and braces in strings', '{"a\\"}": "{\\"a\\": 1}", "b": 2}', { 'a"}': '{"a": 1}', b: 2 }],
  ])('reads %s', (_, text, value) => {
    expect(parseJsonText(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['a key given twice', '{"rows": 256, "rows": 512}', "rows: duplicate key 'rows' (line 1): give each field once"],
    ['a key given twice, one escaped', '{"rows": 256, "\\u0072ows": 512}', "rows: duplicate key 'rows' (line 1): give each field once"],
    ['a nested key twice, on line 3', '{\n "energy": {"a": 1,\n "a": 2}}', "energy.a: duplicate key 'a' (line 3): give each field once"],
    ['a key twice in the second object of an array', '{"levels": [{"b": 1}, {"b": 2, "b": 3}]}', "levels.1.b: duplicate key 'b' (line 1): give each field once"],
    ['after an array of arrays', '{"t": [[1, 2], [3]], "t": 1}', "t: duplicate key 't' (line 1): give each field once"],
  ])('refuses %s, naming the key, its path and line', (_, text, problem) => {
    expect(parseJsonText(text)).toEqual({ ok: false, problem });
  });

  it('refuses text that is not JSON', () => {
    expect(parseJsonText('{ rows: 4 ')).toMatchObject({ ok: false, problem: stringMatching(/^not valid JSON: /) });
  });
});
