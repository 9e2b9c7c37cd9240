import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, FfnnError, InvalidOptionError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseCsv } from './csv.js';
import { readCsv } from './node/read-csv.js';

const GOOD = 'x1,x2,y\n1,2,3\n4.5,-6e-1,+7\n.5,8.,9E2\n';

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FfnnError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseCsv: good input', () => {
  it('parses a numeric table with a named target', () => {
    const { columns, X, y, targetName } = parseCsv(GOOD, { target: 'y' });
    expect(columns).toEqual(['x1', 'x2']);
    expect(targetName).toBe('y');
    expect(X.toArray()).toEqual([[1, 2], [4.5, -0.6], [0.5, 8]]);
    expect(Array.from(y!.data)).toEqual([3, 7, 900]);
  });

  it('without target keeps every column in X', () => {
    const r = parseCsv(GOOD);
    expect(r.columns).toEqual(['x1', 'x2', 'y']);
    expect(r.X.shape).toEqual([3, 3]);
    expect(r.y).toBeUndefined();
    expect(r.targetName).toBeUndefined();
  });

  it('target in the middle; float32', () => {
    const r = parseCsv('a,t,b\n1,2,3\n', { target: 't', dtype: 'float32' });
    expect(r.X.toArray()).toEqual([[1, 3]]);
    expect(r.y!.dtype).toBe('float32');
    expect(Array.from(r.y!.data)).toEqual([2]);
  });

  it('handles \\r\\n, \\r, no trailing newline, BOM, blank lines, whitespace and quotes', () => {
    const variants = [
      'x1,x2,y\r\n1,2,3\r\n4,5,6\r\n',
      'x1,x2,y\r1,2,3\r4,5,6',
      '\uFEFFx1,x2,y\n1,2,3\n\n4,5,6\n\n\n',
      ' "x1" , "x2",y\n 1 ,\t2, 3\n4,5 ,6',
      '"x1",x2,"y"\n"1","2","3"\n4,5,6\n',
    ];
    for (const text of variants) {
      const r = parseCsv(text, { target: 'y' });
      expect(r.columns).toEqual(['x1', 'x2']);
      expect(r.X.toArray()).toEqual([[1, 2], [4, 5]]);
      expect(Array.from(r.y!.data)).toEqual([3, 6]);
    }
  });

  it('quoted header names may contain commas and escaped quotes', () => {
    const r = parseCsv('"a, b","say ""hi""",c\n1,2,3\n');
    expect(r.columns).toEqual(['a, b', 'say "hi"', 'c']);
  });

  it('a header alone gives zero rows', () => {
    const r = parseCsv('a,b\n', { target: 'b' });
    expect(r.X.shape).toEqual([0, 1]);
    expect(r.y!.shape).toEqual([0, 1]);
  });
});

describe('parseCsv: errors name source, line and column', () => {
  const opts = { source: 'data.csv' };

  it('ragged rows', () => {
    expect(message(() => parseCsv('a,b,c\n1,2,3\n4,5\n', opts))).toBe(
      'data.csv: line 3: 2 fields, expected 3 (column "c" is missing)',
    );
    expect(message(() => parseCsv('a,b\n1,2,3\n', opts))).toBe('data.csv: line 2: 3 fields, expected 2 (extra field after column "b")');
    expect(() => parseCsv('a,b\n1,2,\n', opts)).toThrow(/line 2: 3 fields, expected 2/);
  });

  it('non-numeric, empty, NaN and infinite cells', () => {
    expect(message(() => parseCsv('a,b\n1,2\n3,abc\n', opts))).toBe(
      'data.csv: line 3, column "b": not a number: "abc"; text columns cannot be features: encode it as numbers (e.g. one 0/1 column per category) or remove the column',
    );
    expect(message(() => parseCsv('a,b\n1,\n', opts))).toBe('data.csv: line 2, column "b": empty cell; every cell must be a number');
    expect(message(() => parseCsv('a,b\n , 2\n', opts))).toMatch(/line 2, column "a": empty cell/);
    expect(message(() => parseCsv('a,b\nNaN,2\n', opts))).toBe(
      'data.csv: line 2, column "a": NaN is not allowed; every cell must be a finite number',
    );
    expect(message(() => parseCsv('a,b\n1,Infinity\n', opts))).toBe('data.csv: line 2, column "b": not a number: "Infinity"');
    expect(message(() => parseCsv('a\n1e999\n', opts))).toBe(
      'data.csv: line 2, column "a": 1e999 overflows to Infinity; every cell must be finite',
    );
    for (const cell of ['0x10', '1,5', '1 2', '--1', '1e', '.', '']) {
      expect(() => parseCsv(`a\n"${cell}"\n`, opts)).toThrow(DataFormatError);
    }
  });

  it('line numbers count blank lines and the header position', () => {
    expect(message(() => parseCsv('\n\na\n1\n\nx\n', opts))).toMatch(/^data\.csv: line 6, column "a": not a number: "x"; text columns/);
  });

  it('bad quotes', () => {
    expect(message(() => parseCsv('a,b\n1,"2\n', opts))).toBe('data.csv: line 2, column "b": unterminated quote');
    expect(message(() => parseCsv('a,b\n1,"2"x\n', opts))).toBe('data.csv: line 2, column "b": unexpected text after a closing quote');
    expect(message(() => parseCsv('a,b\n1,2"\n', opts))).toBe('data.csv: line 2, column "b": stray quote in "2\\""');
    expect(message(() => parseCsv('"a\n1\n', opts))).toBe('data.csv: line 1, field 1: unterminated quote');
  });

  it('bad headers and empty input', () => {
    expect(message(() => parseCsv('', opts))).toBe('data.csv: empty CSV; expected a header line of column names');
    expect(message(() => parseCsv(' \r\n\n', opts))).toMatch(/empty CSV/);
    expect(message(() => parseCsv('a,,c\n', opts))).toBe('data.csv: line 1: column 2 has an empty name');
    expect(message(() => parseCsv('a,b,a\n', opts))).toBe('data.csv: line 1: duplicate column name "a"');
  });

  it('missing target lists the available columns', () => {
    const e = (() => {
      try {
        parseCsv(GOOD, { ...opts, target: 'z' });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(InvalidOptionError);
    expect((e as Error).message).toBe('data.csv: target column "z" not found; available columns: "x1", "x2", "y"');
  });

  it('default source is <string>', () => {
    expect(() => parseCsv('a\nq\n')).toThrow(/^<string>: line 2, column "a"/);
  });
});

describe('parseCsv: columns and text targets', () => {
  const opts = { source: 'data.csv' };

  it('columns picks features by name, in the given order, and never parses the others', () => {
    const r = parseCsv('id,b,note,a,y\n7,2,"hello, world",1,3\n8,5,x,4,6\n', { columns: ['a', 'b'] });
    expect(r.columns).toEqual(['a', 'b']);
    expect(r.X.toArray()).toEqual([[1, 2], [4, 5]]);
    expect(r.y).toBeUndefined();
    const t = parseCsv('b,a,y\n2,1,3\n', { columns: ['a', 'b'], target: 'y' });
    expect(t.X.toArray()).toEqual([[1, 2]]);
    expect(Array.from(t.y!.data)).toEqual([3]);
  });

  it('keep returns columns as written, whatever they hold, beside the features', () => {
    const r = parseCsv('id,x,note\nh1,1,"a, b"\nh2,2,\n', { columns: ['x'], keep: ['id', 'note', 'x'] });
    expect(r.X.toArray()).toEqual([[1], [2]]);
    expect(r.kept).toEqual({ id: ['h1', 'h2'], note: ['a, b', ''], x: ['1', '2'] });
    expect(parseCsv('a,b\n1,2\n').kept).toBeUndefined();
    expect(() => parseCsv('a,b\n1,2\n', { source: 'data.csv', keep: ['id'] })).toThrow('data.csv: column "id" not found; available columns: "a", "b"');
  });

  it('columns that are missing, repeated or the target are InvalidOptionErrors naming them', () => {
    expect(() => parseCsv('a,b\n1,2\n', { ...opts, columns: ['a', 'c', 'd'] })).toThrow('data.csv: columns "c", "d" not found; available columns: "a", "b"');
    expect(() => parseCsv('a,b\n1,2\n', { ...opts, columns: ['c'] })).toThrow(InvalidOptionError);
    expect(() => parseCsv('a,b\n1,2\n', { ...opts, columns: ['a', 'a'] })).toThrow('data.csv: column "a" is listed twice in columns');
    expect(() => parseCsv('a,b\n1,2\n', { ...opts, columns: ['a', 'b'], target: 'b' })).toThrow('data.csv: column "b" is the target; it cannot also be a feature');
  });

  it('textTarget returns class names as written when a target cell is not a number', () => {
    const r = parseCsv('x,species\n1,setosa\n2," virginica "\n3,1\n', { target: 'species', textTarget: true });
    expect(r.y).toBeUndefined();
    expect(r.targetLabels).toEqual(['setosa', 'virginica', '1']);
    expect(r.X.toArray()).toEqual([[1], [2], [3]]);
  });

  it('textTarget keeps a numeric target numeric, and NaN or an empty cell stays an error', () => {
    const r = parseCsv('x,y\n1,0\n2,1\n', { target: 'y', textTarget: true });
    expect(Array.from(r.y!.data)).toEqual([0, 1]);
    expect(r.targetLabels).toBeUndefined();
    expect(message(() => parseCsv('x,y\n1,0\n2,NaN\n', { ...opts, target: 'y', textTarget: true }))).toBe(
      'data.csv: line 3, column "y": NaN is not allowed; every cell must be a finite number',
    );
    expect(message(() => parseCsv('x,y\n1,yes\n2,\n', { ...opts, target: 'y', textTarget: true }))).toBe('data.csv: line 3, column "y": empty cell; every row needs a target');
  });

  it('without textTarget a word in the target is an error without the feature hint', () => {
    expect(message(() => parseCsv('x,y\n1,yes\n', { ...opts, target: 'y' }))).toBe('data.csv: line 2, column "y": not a number: "yes"');
  });
});

describe('readCsv', () => {
  it('reads a file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const good = join(dir, 'good.csv');
    writeFileSync(good, GOOD);
    expect(Array.from(readCsv(good, { target: 'y' }).y!.data)).toEqual([3, 7, 900]);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n3,x\n');
    expect(() => readCsv(bad)).toThrow(`${bad}: line 3, column "b": not a number: "x"`);
    const missing = join(dir, 'missing.csv');
    expect(() => readCsv(missing)).toThrow(FfnnError);
    expect(() => readCsv(missing)).toThrow(`cannot read ${missing}`);
    try {
      readCsv(missing);
    } catch (e) {
      expect((e as FfnnError).code).toBe('E_IO');
      expect(((e as Error).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    }
  });
});

describe('parseCsv fuzz', () => {
  const onlyTyped = (text: string, target?: string): void => {
    try {
      const r = parseCsv(text, { target });
      expect(r.X.rows).toBe(r.y?.rows ?? r.X.rows);
      for (const v of r.X.data) expect(Number.isFinite(v)).toBe(true);
    } catch (e) {
      if (!(e instanceof FfnnError)) throw e;
    }
  };

  it('random strings only give typed errors', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => onlyTyped(s)), { numRuns: 4000 });
    // CSV-flavoured alphabet, so structure-related paths are reached often.
    const csvish = fc
      .array(fc.constantFrom('a', 'b', '1', '2', '.', 'e', '-', '"', ',', ' ', '\n', '\r', 'N', 'a', 'n', '9'), { maxLength: 60 })
      .map((cs) => cs.join(''));
    fc.assert(fc.property(csvish, fc.constantFrom(undefined, 'a', 'b'), (s, t) => onlyTyped(s, t)), { numRuns: 4000 });
  });

  it('truncations and single-character edits of a valid CSV only give typed errors', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 2 }), (cut, pos, ch) => {
        onlyTyped(GOOD.slice(0, cut % (GOOD.length + 1)), 'y');
        const p = pos % GOOD.length;
        onlyTyped(GOOD.slice(0, p) + ch + GOOD.slice(p + 1), 'y');
      }),
      { numRuns: 4000 },
    );
  });
});

describe('parseCsv: edges found by mutation testing', () => {
  it('drops a byte-order mark, skips blank lines of spaces, takes the first column as target', () => {
    expect(parseCsv('\uFEFFa,b\n1,2').columns).toEqual(['a', 'b']);
    const r = parseCsv('t,x\n1,2\n   \n3,4\n', { target: 't' });
    expect(r.columns).toEqual(['x']);
    expect(Array.from(r.y!.data)).toEqual([1, 3]);
    expect(Array.from(r.X.data)).toEqual([2, 4]);
    expect(r.targetName).toBe('t');
    expect('y' in parseCsv('a\n1')).toBe(false);
    expect('targetName' in parseCsv('a\n1')).toBe(false);
  });

  it('reads quoted fields with tabs around them, trimmed inside', () => {
    expect(parseCsv('\t"a"\t, " b " ,c\n1,2,3').columns).toEqual(['a', 'b', 'c']);
    expect(() => parseCsv(',b\n1,2')).toThrow('<string>: line 1: column 1 has an empty name');
  });

  it('tells NaN from other words, signed NaN included', () => {
    expect(() => parseCsv('a\nxnan')).toThrow('<string>: line 2, column "a": not a number: "xnan"');
    expect(() => parseCsv('a\nnano')).toThrow('<string>: line 2, column "a": not a number: "nano"');
    expect(() => parseCsv('a\n+NaN')).toThrow('<string>: line 2, column "a": NaN is not allowed; every cell must be a finite number');
    expect(Array.from(parseCsv('a\n.25\n-.5').X.data)).toEqual([0.25, -0.5]);
  });
});
