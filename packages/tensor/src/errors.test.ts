import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DataFormatError,
  FfnnError,
  InvalidOptionError,
  NumericError,
  ShapeError,
  StateError,
  checkChoice,
  checkNumber,
  formatValue,
} from './errors.js';

describe('the FfnnError hierarchy', () => {
  it.each([
    ['ShapeError', ShapeError, 'E_SHAPE'],
    ['InvalidOptionError', InvalidOptionError, 'E_OPTION'],
    ['DataFormatError', DataFormatError, 'E_DATA'],
    ['NumericError', NumericError, 'E_NUMERIC'],
    ['StateError', StateError, 'E_STATE'],
  ] as const)('%s has its class name, its stable code, the message and the cause', (name, Cls, code) => {
    const cause = new RangeError('inner');
    const e = new Cls('what went wrong', { cause });
    expect(e).toBeInstanceOf(Cls);
    expect(e).toBeInstanceOf(FfnnError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(name);
    expect(e.code).toBe(code);
    expect(e.message).toBe('what went wrong');
    expect(e.cause).toBe(cause);
    expect(String(e)).toBe(`${name}: what went wrong`);
    expect(new Cls('no cause').cause).toBeUndefined();
  });

  it('a FfnnError made directly keeps the given code', () => {
    const e = new FfnnError('E_IO', 'disk full');
    expect([e.name, e.code, e.message]).toEqual(['FfnnError', 'E_IO', 'disk full']);
  });
});

describe('checkNumber', () => {
  it('returns a finite number that passes the predicate', () => {
    expect(checkNumber('lr', 0.5, (v) => v > 0, 'a positive number')).toBe(0.5);
    expect(checkNumber('lr', -0, () => true, 'a number')).toBe(-0);
  });

  it('rejects non-numbers, NaN and ±Infinity even when the predicate accepts anything', () => {
    const cases: [unknown, string][] = [
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
      ['3', '"3"'],
      [null, 'null'],
      [undefined, 'undefined'],
      [[1], '[1]'],
    ];
    for (const [value, shown] of cases) {
      expect(() => checkNumber('lr', value, () => true, 'a finite number')).toThrow(
        new InvalidOptionError(`lr must be a finite number, got ${shown}`),
      );
    }
  });

  it('rejects a finite number that fails the predicate, naming the expectation', () => {
    expect(() => checkNumber('epochs', 2.5, Number.isInteger, 'a positive integer')).toThrow(
      new InvalidOptionError('epochs must be a positive integer, got 2.5'),
    );
  });
});

describe('checkChoice', () => {
  const choices = ['float64', 'float32'] as const;

  it('returns a value that is one of the choices', () => {
    expect(checkChoice('dtype', 'float64', choices)).toBe('float64');
    expect(checkChoice('dtype', 'float32', choices)).toBe('float32');
  });

  it('rejects other strings and non-strings, listing the choices', () => {
    expect(() => checkChoice('dtype', 'float16', choices)).toThrow(
      new InvalidOptionError('dtype must be one of float64, float32; got "float16"'),
    );
    expect(() => checkChoice('dtype', '', choices)).toThrow(new InvalidOptionError('dtype must be one of float64, float32; got ""'));
    expect(() => checkChoice('dtype', 64, choices)).toThrow(new InvalidOptionError('dtype must be one of float64, float32; got 64'));
    expect(() => checkChoice('dtype', undefined, choices)).toThrow(
      new InvalidOptionError('dtype must be one of float64, float32; got undefined'),
    );
  });
});

describe('formatValue', () => {
  it('quotes strings as JSON, and never shortens them', () => {
    expect(formatValue('abc')).toBe('"abc"');
    expect(formatValue('a"b\n')).toBe('"a\\"b\\n"');
    const long = 'x'.repeat(100);
    expect(formatValue(long)).toBe(`"${long}"`);
  });

  it('prints numbers, booleans, null and undefined with String()', () => {
    expect(formatValue(3)).toBe('3');
    expect(formatValue(-0.5)).toBe('-0.5');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('Infinity');
    expect(formatValue(-Infinity)).toBe('-Infinity');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(false)).toBe('false');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(undefined)).toBe('undefined');
  });

  it('prints objects and arrays as JSON, cut to 57 characters and "..." when longer than 60', () => {
    expect(formatValue([1, 2])).toBe('[1,2]');
    expect(formatValue({ a: 1, b: [true, null] })).toBe('{"a":1,"b":[true,null]}');
    // JSON of exactly 60 characters is kept; 61 is cut.
    const sixty = [`${'y'.repeat(56)}`]; // ["yyy…"] = 56 + 4 characters
    expect(JSON.stringify(sixty)).toHaveLength(60);
    expect(formatValue(sixty)).toBe(JSON.stringify(sixty));
    const sixtyOne = [`${'y'.repeat(57)}`];
    expect(formatValue(sixtyOne)).toBe(`["${'y'.repeat(55)}...`);
    expect(formatValue(sixtyOne)).toHaveLength(60);
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 40 }), (xs) => {
        const json = JSON.stringify(xs);
        expect(formatValue(xs)).toBe(json.length > 60 ? `${json.slice(0, 57)}...` : json);
      }),
    );
  });

  it('falls back to the Object.prototype.toString tag when JSON cannot print the value', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(formatValue(circular)).toBe('[object Object]');
    expect(formatValue(10n)).toBe('[object BigInt]');
    expect(formatValue(() => 1)).toBe('[object Function]'); // JSON.stringify gives undefined
    expect(formatValue(Symbol('s'))).toBe('[object Symbol]');
  });
});
