// Build .npy files byte by byte, as NumPy would write them, for any dtype, order and version.
export interface NpyFixture {
  descr: string;
  shape: number[];
  values: (number | bigint)[];
  fortran?: boolean;
  version?: 1 | 2 | 3;
  header?: string;
}

export function npyBytes(f: NpyFixture): Uint8Array {
  const version = f.version ?? 1;
  const shape = f.shape.length === 1 ? `(${f.shape[0]},)` : `(${f.shape.join(', ')})`;
  let header = f.header ?? `{'descr': '${f.descr}', 'fortran_order': ${f.fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const pre = version === 1 ? 10 : 12;
  header += ' '.repeat((64 - ((pre + header.length + 1) % 64)) % 64) + '\n';
  const m = /^([<>|=]?)([iuf])(\d)$/.exec(f.descr);
  const size = m ? Number(m[3]) : 4;
  const little = !m || m[1] !== '>';
  const bytes = new Uint8Array(pre + header.length + f.values.length * size);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[pre + i] = header.charCodeAt(i);
  f.values.forEach((v, k) => {
    const o = pre + header.length + k * size;
    const kind = m?.[2] ?? 'i';
    if (kind === 'f') view.setFloat32(o, Number(v), little);
    else if (size === 1) view.setUint8(o, Number(v) & 0xff);
    else if (size === 2) view.setInt16(o, Number(v), little);
    else if (size === 4) view.setInt32(o, Number(v), little);
    else view.setBigInt64(o, BigInt(v), little);
  });
  return bytes;
}
