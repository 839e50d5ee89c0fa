// Bad input on the command line: exit 2 with one message naming the file, the option or the field.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'osa-cli-bad-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const folder = join(dir, 'a-folder');
mkdirSync(folder);
const weights = file('w.csv', `${Array.from({ length: 256 }, () => '0,0,0,0,0,0,0,0').join('\n')}\n`);
const db = join(dir, 'runs.db');
const run = ['run', '--board', 'sim', '--mode', 'osa'];
const workload = ['--workload', 'relu', '--vectors', '10'];

describe('bad input', () => {
  it.each([
    ['--db a folder', [...run, ...workload, '--db', folder], `${folder}: is a folder, not a database file: give a file, such as ${join(folder, 'runs.db')}`],
    ['runs list --db a folder', ['runs', 'list', '--db', folder], `${folder}: is a folder, not a database file`],
    ['--vectors-file a folder', [...run, '--db', db, '--weights-file', weights, '--vectors-file', folder], `${folder}: is a folder, not a .csv or .npy file`],
    ['--weights-file a folder', [...run, '--db', db, '--weights-file', folder, '--vectors-file', weights], `${folder}: is a folder, not a .csv or .npy file`],
    [
      '--ambient-c not a number',
      [...run, ...workload, '--db', db, '--ambient-c', 'abc'],
      "option '--ambient-c <degrees>' argument 'abc' is invalid. expected a temperature in -60..200 C, got 'abc'",
    ],
    ['--ambient-c empty', [...run, ...workload, '--db', db, '--ambient-c', ' '], "argument ' ' is invalid"],
    ['--ambient-c 1000', [...run, ...workload, '--db', db, '--ambient-c', '1000'], "argument '1000' is invalid"],
    [
      'a profile with a key twice',
      [...run, ...workload, '--db', db, '--profile', file('dup.json', '{"rows":256,"rows":512}')],
      `${join(dir, 'dup.json')}: invalid die profile:\n  rows: duplicate key 'rows' (line 1)`,
    ],
    ['a profile with a clock of 1e308 MHz', [...run, ...workload, '--db', db, '--profile', file('clock.json', '{"clockMHz":1e308}')], 'clockMHz: must be <= 10000'],
    [
      'a 16-bit profile whose vectors cannot fit a line',
      [...run, ...workload, '--db', db, '--profile', file('wide.json', '{"inputBits":16,"rows":4096}')],
      'wide.json: invalid die profile:\n  rows: one vector of 4096 inputs',
    ],
    ['a profile that is a folder', [...run, ...workload, '--db', db, '--profile', folder], `${folder}: invalid die profile:\n  is a folder`],
    [
      'a die with a vector memory of 1',
      [...run, ...workload, '--db', db, '--die', file('die1.json', '{"vectorCapacity":1}')],
      'die1.json: invalid die configuration:\n  vectorCapacity: must be at least 2 (the host double-buffers the vector memory)',
    ],
    [
      'a die with a key twice',
      [...run, ...workload, '--db', db, '--die', file('die2.json', '{"seed":1,\n"seed":2}')],
      "die2.json: invalid die configuration:\n  seed: duplicate key 'seed' (line 2)",
    ],
    [
      'a die whose profile cannot fit a line',
      [...run, ...workload, '--db', db, '--die', file('die3.json', '{"profile":{"outputs":256}}')],
      'die3.json (profile): invalid die profile:\n  outputs: one result record of 256 outputs',
    ],
  ])('%s: exit 2, naming it', async (_, args, message) => {
    const r = await cli(...args);
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
  });

  it('a profile that starts with a UTF-8 byte order mark is read, as a CSV with one is', async () => {
    const bom = file('bom.json', '\uFEFF{"clockMHz": 200}');
    const r = await cli(...run, ...workload, '--db', join(dir, 'bom.db'), '--profile', bom, '--json');
    expect(r.stderr).not.toMatch(/invalid die profile/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'completed', vectors: 10 });
  });
});
